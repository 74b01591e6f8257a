#include "models/rnn_tasks.h"

#include <cmath>

#include <fmt/format.h>

#include "src/core/errors.h"
#include "src/core/seeding.h"

namespace netprobe::models {
namespace {

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

torch::Tensor times(double dt, int64_t steps) { return torch::arange(1, steps + 1, kF64) * dt; }

at::Generator task_generator(const std::string& name, uint64_t seed) {
  return core::make_generator(core::derive_seed(seed, {core::tag_of("rnn-task"), core::tag_of(name)}));
}

// Weights mask / sum(mask): the mean squared error over the scored entries.
torch::Tensor masked_mean_weights(const torch::Tensor& mask) { return mask / mask.sum(); }

}  // namespace

RnnTaskData filter_task(double c, double dt, int64_t steps) {
  torch::Tensor x = torch::zeros({1, steps}, kF64);
  x[0][0] = 1.0 / dt;
  return {x, torch::exp(-c * times(dt, steps)).unsqueeze(0), torch::full({1, steps}, dt, kF64)};
}

RnnTaskData oscillation_task(double dt, int64_t steps) {
  RnnTaskData d = filter_task(0.3, dt, steps);
  d.targets = d.targets * torch::cos(2 * times(dt, steps)).unsqueeze(0);
  return d;
}

RnnTaskData flip_flop_task(double dt, int64_t steps, int64_t trials, uint64_t seed) {
  at::Generator gen = task_generator("flipflop", seed);
  const double rate = 0.15;  // pulses per unit time after the first
  const auto settle = static_cast<int64_t>(std::lround(1.0 / dt));
  const int64_t first_window = std::max<int64_t>(1, steps / 10);
  torch::Tensor x = torch::zeros({trials, steps}, kF64), target = torch::zeros({trials, steps}, kF64);
  torch::Tensor mask = torch::zeros({trials, steps}, kF64);
  const torch::Tensor first = torch::randint(first_window, {trials}, gen, torch::kLong);
  const torch::Tensor pulse_at = torch::rand({trials, steps}, gen, kF64) < rate * dt;
  const torch::Tensor signs = torch::randint(2, {trials, steps}, gen, torch::kLong) * 2 - 1;
  auto xa = x.accessor<double, 2>(), ta = target.accessor<double, 2>(), ma = mask.accessor<double, 2>();
  auto pa = pulse_at.accessor<bool, 2>();
  auto sa = signs.accessor<int64_t, 2>();
  for (int64_t b = 0; b < trials; ++b) {
    const int64_t start = first.data_ptr<int64_t>()[b];
    double held = 0;
    int64_t last = -1;
    for (int64_t k = 0; k < steps; ++k) {
      if (k == start || (k > start && pa[b][k])) {
        held = static_cast<double>(sa[b][k]);
        xa[b][k] = held / dt;
        last = k;
      }
      ta[b][k] = held;
      ma[b][k] = last >= 0 && k - last >= settle ? 1.0 : 0.0;
    }
  }
  if (mask.sum().item<double>() == 0) {
    throw core::UsageError(
        fmt::format("--steps: {} steps of dt={} leave nothing to score in the flip-flop task", steps, dt));
  }
  return {x, target, masked_mean_weights(mask)};
}

RnnTaskData noisy_decision_task(double dt, int64_t steps, int64_t trials, uint64_t seed) {
  at::Generator gen = task_generator("decision", seed);
  const torch::Tensor levels = torch::tensor({0.1, 0.2, 0.4}, kF64);
  const torch::Tensor mu = levels.index({torch::randint(3, {trials}, gen, torch::kLong)}) *
                           (torch::randint(2, {trials}, gen, torch::kLong) * 2 - 1).to(torch::kFloat64);
  if (steps < 4) {
    throw core::UsageError(fmt::format("--steps: the decision task needs at least 4 steps, got {}", steps));
  }
  const int64_t stimulus_end = steps / 2, decision_start = (3 * steps) / 5;
  torch::Tensor x = torch::zeros({trials, steps}, kF64);
  x.narrow(1, 0, stimulus_end)
      .copy_(mu.unsqueeze(1) + (0.5 / std::sqrt(dt)) * torch::randn({trials, stimulus_end}, gen, kF64));
  torch::Tensor mask = torch::zeros({trials, steps}, kF64);
  mask.narrow(1, decision_start, steps - decision_start).fill_(1.0);
  const torch::Tensor target = mu.sign().unsqueeze(1).expand({trials, steps}) * mask;
  return {x, target.contiguous(), masked_mean_weights(mask)};
}

const std::vector<std::string>& rnn_task_names() {
  static const std::vector<std::string> names = {"filter", "oscillation", "flipflop", "decision"};
  return names;
}

RnnTaskData make_rnn_task(const std::string& name, double decay, double dt, int64_t steps, int64_t trials,
                          uint64_t seed) {
  if (name == "filter") return filter_task(decay, dt, steps);
  if (name == "oscillation") return oscillation_task(dt, steps);
  if (trials < 1) throw core::UsageError(fmt::format("--trials: must be >= 1, got {}", trials));
  if (name == "flipflop") return flip_flop_task(dt, steps, trials, seed);
  if (name == "decision") return noisy_decision_task(dt, steps, trials, seed);
  throw core::UsageError(fmt::format("--task: unknown RNN task '{}' (filter, oscillation, flipflop, decision)", name));
}

torch::Tensor rnn_loss(const torch::Tensor& y, const torch::Tensor& targets, const torch::Tensor& weights) {
  return (weights * (y - targets).pow(2)).sum();
}

torch::Tensor rnn_loss(const torch::Tensor& y, const RnnTaskData& task) {
  return rnn_loss(y, task.targets, task.weights);
}

}  // namespace netprobe::models
