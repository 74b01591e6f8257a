#include "models/rnn/tasks.h"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/seeding.h"

namespace netprobe::models {
namespace {

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

// The authors' time grid: t = linspace(0, T dt, T), so y_1 (the state just after the impulse)
// is scored against y*(0) and a trained filter reads sigma_zm = 1.
torch::Tensor times(double dt, int64_t steps) {
  return torch::linspace(0, static_cast<double>(steps) * dt, steps, kF64);
}

at::Generator task_generator(const std::string& name, uint64_t seed) {
  return core::make_generator(core::derive_seed(seed, {core::tag_of("rnn-task"), core::tag_of(name)}));
}

// Weights mask / sum(mask): the mean squared error over the scored entries.
torch::Tensor masked_mean_weights(const torch::Tensor& mask) { return mask / mask.sum(); }

// The filter targets seen by a readout one step earlier (make_rnn_task).
RnnTaskData scored_one_step_later(RnnTaskData task) {
  const int64_t steps = task.targets.size(1);
  const auto later = [&](const torch::Tensor& a) {
    return torch::cat({torch::zeros({a.size(0), 1}, a.options()), a.narrow(1, 0, steps - 1)}, 1);
  };
  task.targets = later(task.targets);
  task.weights = later(task.weights);
  return task;
}

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
  // The authors' protocol in time units: pulses of 0.5 at amplitude +-1, each after a quiet gap
  // drawn from U(4, 10) (the first from t = 0), target +-0.5, unscored from a pulse's onset until
  // 2 time units after its end.
  const double pulse_time = 0.5, gap_min = 4, gap_max = 10, unscored_after = 2, level = 0.5;
  if (static_cast<double>(steps) * dt < gap_max + pulse_time + unscored_after) {
    throw core::UsageError(fmt::format(
        "--steps: the flip-flop task needs trials of at least {} time units (a gap of up to {}, a pulse of {}, {} "
        "unscored), got {} steps of dt={}",
        gap_max + pulse_time + unscored_after, gap_max, pulse_time, unscored_after, steps, dt));
  }
  at::Generator gen = task_generator("flipflop", seed);
  const auto pulse_steps = std::max<int64_t>(1, std::lround(pulse_time / dt));
  const auto unscored_steps = pulse_steps + std::lround(unscored_after / dt);
  // Enough gaps and signs for the longest possible run of pulses in one trial.
  const auto max_pulses = static_cast<int64_t>(static_cast<double>(steps) * dt / (gap_min + pulse_time)) + 2;
  const torch::Tensor gaps = gap_min + (gap_max - gap_min) * torch::rand({trials, max_pulses}, gen, kF64);
  const torch::Tensor signs = torch::randint(2, {trials, max_pulses}, gen, torch::kLong) * 2 - 1;
  torch::Tensor x = torch::zeros({trials, steps}, kF64), target = torch::zeros({trials, steps}, kF64);
  torch::Tensor mask = torch::ones({trials, steps}, kF64);
  auto xa = x.accessor<double, 2>(), ta = target.accessor<double, 2>(), ma = mask.accessor<double, 2>();
  auto ga = gaps.accessor<double, 2>();
  auto sa = signs.accessor<int64_t, 2>();
  for (int64_t b = 0; b < trials; ++b) {
    int64_t onset = 0;
    for (int64_t p = 0; p < max_pulses; ++p) {
      onset += std::lround(ga[b][p] / dt);
      if (onset >= steps) break;
      const auto sign = static_cast<double>(sa[b][p]);
      for (int64_t k = onset; k < std::min(steps, onset + pulse_steps); ++k) xa[b][k] = sign;
      // Output k reads the state after input k entered: from the onset on, it should hold the new sign.
      for (int64_t k = onset; k < steps; ++k) ta[b][k] = level * sign;
      for (int64_t k = onset; k < std::min(steps, onset + unscored_steps); ++k) ma[b][k] = 0;
      onset += pulse_steps;
    }
  }
  return {x, target, masked_mean_weights(mask)};
}

RnnTaskData noisy_decision_task(double dt, int64_t steps, int64_t trials, uint64_t seed) {
  // The authors' protocol in time units: fixation 1, stimulus 9, delay 1, then the response (9 at
  // their T dt = 20); coherence c from +-{1, 2, 4, 8, 16}, input c * 3.2 / 100 during the stimulus
  // plus noise of s.d. 0.03 every step; the target is 0 during fixation and c / 16 during the
  // response, the only scored periods.
  const auto fixation_end = std::lround(1 / dt), stimulus_end = std::lround(10 / dt),
             response_start = std::lround(11 / dt);
  if (steps <= response_start || fixation_end < 1) {
    throw core::UsageError(fmt::format(
        "--steps: the decision task needs more than 11 time units (fixation 1, stimulus 9, delay 1, then the "
        "response), got {} steps of dt={}",
        steps, dt));
  }
  at::Generator gen = task_generator("decision", seed);
  const torch::Tensor levels = torch::tensor({1.0, 2.0, 4.0, 8.0, 16.0}, kF64);
  const torch::Tensor coherence = levels.index({torch::randint(5, {trials}, gen, torch::kLong)}) *
                                  (torch::randint(2, {trials}, gen, torch::kLong) * 2 - 1).to(torch::kFloat64);
  torch::Tensor x = 0.03 * torch::randn({trials, steps}, gen, kF64);
  x.narrow(1, fixation_end, stimulus_end - fixation_end) += (coherence * 3.2 / 100).unsqueeze(1);
  torch::Tensor mask = torch::zeros({trials, steps}, kF64), target = torch::zeros({trials, steps}, kF64);
  mask.narrow(1, 0, fixation_end).fill_(1.0);
  mask.narrow(1, response_start, steps - response_start).fill_(1.0);
  target.narrow(1, response_start, steps - response_start)
      .copy_((coherence / 16).unsqueeze(1).expand({trials, steps - response_start}));
  return {x, target, masked_mean_weights(mask)};
}

const std::vector<std::string>& rnn_task_names() {
  static const std::vector<std::string> names = {"filter", "oscillation", "flipflop", "decision"};
  return names;
}

RnnTaskData make_rnn_task(const std::string& name, double decay, double dt, int64_t steps, int64_t trials,
                          uint64_t seed, int64_t readout_lag) {
  const auto impulse_aligned = [&](RnnTaskData t) { return readout_lag == 0 ? scored_one_step_later(t) : t; };
  if (name == "filter") return impulse_aligned(filter_task(decay, dt, steps));
  if (name == "oscillation") return impulse_aligned(oscillation_task(dt, steps));
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
