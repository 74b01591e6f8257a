#include "models/rnn/tasks.h"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "models/rnn/teacher_task.h"

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

RnnTaskParams RnnTaskParams::netprobe_v1() {
  RnnTaskParams p;
  p.flipflop.first_pulse.reset();
  p.flipflop.unscored_lead = 0;
  p.flipflop.score_before_first = true;
  p.decision.coherences = {1, 2, 4, 8, 16};
  p.decision.score_fixation = true;
  return p;
}

void RnnTaskParams::validate() const {
  const FlipFlopParams& f = flipflop;
  if (f.first_pulse && !(*f.first_pulse >= 0)) {
    throw core::UsageError(fmt::format("--flipflop-first: must be >= 0, got {}", *f.first_pulse));
  }
  if (!(f.gap_min > 0 && f.gap_max >= f.gap_min)) {
    throw core::UsageError(fmt::format("--flipflop-gap: need 0 < min <= max, got {},{}", f.gap_min, f.gap_max));
  }
  if (!(f.amplitude > 0)) throw core::UsageError(fmt::format("--pulse-amplitude: must be > 0, got {}", f.amplitude));
  if (!(f.target > 0)) throw core::UsageError(fmt::format("--flipflop-target: must be > 0, got {}", f.target));
  const DecisionParams& d = decision;
  if (d.coherences.empty()) throw core::UsageError("--coherences: give at least one coherence");
  for (double c : d.coherences) {
    if (!(c > 0 && std::isfinite(c))) throw core::UsageError(fmt::format("--coherences: must be > 0, got {}", c));
  }
  if (!(d.fixation >= 0 && d.stimulus > 0 && d.delay >= 0)) {
    throw core::UsageError(fmt::format("--decision-periods: need fixation >= 0, stimulus > 0, delay >= 0, got {},{},{}",
                                       d.fixation, d.stimulus, d.delay));
  }
  if (!(d.input_noise >= 0)) throw core::UsageError(fmt::format("--input-noise: must be >= 0, got {}", d.input_noise));
  if (!(teacher.noise_scale >= 0 && teacher.pulse_scale >= 0)) {
    throw core::UsageError(fmt::format("--teacher-input: need noise, pulse scales >= 0, got {},{}", teacher.noise_scale,
                                       teacher.pulse_scale));
  }
}

RnnTaskData flip_flop_task(double dt, int64_t steps, int64_t trials, uint64_t seed, const FlipFlopParams& p) {
  // The first pulse at a fixed time (the authors') or after a gap like the others; each pulse
  // opens a scoring gap p.unscored_lead steps before its onset that closes p.unscored_after time
  // units after its end.
  const double first_latest = p.first_pulse.value_or(p.gap_max);
  if (static_cast<double>(steps) * dt < first_latest + p.pulse_time + p.unscored_after) {
    throw core::UsageError(fmt::format(
        "--steps: the flip-flop task needs trials of at least {} time units (the first pulse by {}, a pulse of {}, {} "
        "unscored), got {} steps of dt={}",
        first_latest + p.pulse_time + p.unscored_after, first_latest, p.pulse_time, p.unscored_after, steps, dt));
  }
  at::Generator gen = task_generator("flipflop", seed);
  const auto pulse_steps = std::max<int64_t>(1, std::lround(p.pulse_time / dt));
  const auto unscored_steps = pulse_steps + std::lround(p.unscored_after / dt);
  // Enough gaps and signs for the longest possible run of pulses in one trial.
  const auto max_pulses = static_cast<int64_t>(static_cast<double>(steps) * dt / (p.gap_min + p.pulse_time)) + 2;
  const torch::Tensor gaps = p.gap_min + (p.gap_max - p.gap_min) * torch::rand({trials, max_pulses}, gen, kF64);
  const torch::Tensor signs = torch::randint(2, {trials, max_pulses}, gen, torch::kLong) * 2 - 1;
  torch::Tensor x = torch::zeros({trials, steps}, kF64), target = torch::zeros({trials, steps}, kF64);
  torch::Tensor mask = torch::ones({trials, steps}, kF64);
  auto xa = x.accessor<double, 2>(), ta = target.accessor<double, 2>(), ma = mask.accessor<double, 2>();
  auto ga = gaps.accessor<double, 2>();
  auto sa = signs.accessor<int64_t, 2>();
  for (int64_t b = 0; b < trials; ++b) {
    int64_t onset = 0;
    for (int64_t i = 0; i < max_pulses; ++i) {
      onset += i == 0 && p.first_pulse ? std::lround(*p.first_pulse / dt) : std::lround(ga[b][i] / dt);
      if (onset >= steps) break;
      if (i == 0 && !p.score_before_first) {
        for (int64_t k = 0; k < onset; ++k) ma[b][k] = 0;
      }
      const auto sign = static_cast<double>(sa[b][i]);
      for (int64_t k = onset; k < std::min(steps, onset + pulse_steps); ++k) xa[b][k] = p.amplitude * sign;
      // Output k reads the state after input k entered: from the onset on, it should hold the new sign.
      for (int64_t k = onset; k < steps; ++k) ta[b][k] = p.target * sign;
      for (int64_t k = std::max<int64_t>(0, onset - p.unscored_lead); k < std::min(steps, onset + unscored_steps);
           ++k) {
        ma[b][k] = 0;
      }
      onset += pulse_steps;
    }
  }
  return {x, target, masked_mean_weights(mask)};
}

RnnTaskData noisy_decision_task(double dt, int64_t steps, int64_t trials, uint64_t seed, const DecisionParams& p) {
  // Input c * 3.2 / 100 during the stimulus plus noise on every step; the target is 0 during
  // fixation and c / 16 during the response.
  const auto fixation_end = std::lround(p.fixation / dt), stimulus_end = std::lround((p.fixation + p.stimulus) / dt),
             response_start = std::lround((p.fixation + p.stimulus + p.delay) / dt);
  if (steps <= response_start || stimulus_end <= fixation_end || (p.score_fixation && fixation_end < 1)) {
    throw core::UsageError(fmt::format(
        "--steps: the decision task needs more than {} time units (fixation {}, stimulus {}, delay {}, then the "
        "response), got {} steps of dt={}",
        p.fixation + p.stimulus + p.delay, p.fixation, p.stimulus, p.delay, steps, dt));
  }
  at::Generator gen = task_generator("decision", seed);
  const auto levels_count = static_cast<int64_t>(p.coherences.size());
  const torch::Tensor levels = torch::tensor(p.coherences, kF64);
  const torch::Tensor coherence = levels.index({torch::randint(levels_count, {trials}, gen, torch::kLong)}) *
                                  (torch::randint(2, {trials}, gen, torch::kLong) * 2 - 1).to(torch::kFloat64);
  torch::Tensor x = p.input_noise * torch::randn({trials, steps}, gen, kF64);
  x.narrow(1, fixation_end, stimulus_end - fixation_end) += (coherence * 3.2 / 100).unsqueeze(1);
  torch::Tensor mask = torch::zeros({trials, steps}, kF64), target = torch::zeros({trials, steps}, kF64);
  if (p.score_fixation) mask.narrow(1, 0, fixation_end).fill_(1.0);
  mask.narrow(1, response_start, steps - response_start).fill_(1.0);
  target.narrow(1, response_start, steps - response_start)
      .copy_((coherence / 16).unsqueeze(1).expand({trials, steps - response_start}));
  return {x, target, masked_mean_weights(mask)};
}

const std::vector<std::string>& rnn_task_names() {
  static const std::vector<std::string> names = {"filter", "oscillation", "flipflop", "decision", "teacher"};
  return names;
}

RnnTaskData make_rnn_task(const std::string& name, double decay, double dt, int64_t steps, int64_t trials,
                          uint64_t seed, int64_t readout_lag, const RnnTaskParams& params) {
  const auto impulse_aligned = [&](RnnTaskData t) { return readout_lag == 0 ? scored_one_step_later(t) : t; };
  if (name == "filter") return impulse_aligned(filter_task(decay, dt, steps));
  if (name == "oscillation") return impulse_aligned(oscillation_task(dt, steps));
  if (trials < 1) throw core::UsageError(fmt::format("--trials: must be >= 1, got {}", trials));
  params.validate();
  if (name == "flipflop") return flip_flop_task(dt, steps, trials, seed, params.flipflop);
  if (name == "decision") return noisy_decision_task(dt, steps, trials, seed, params.decision);
  if (name == "teacher") return teacher_task(dt, steps, trials, seed, params);
  throw core::UsageError(
      fmt::format("--task: unknown RNN task '{}' (filter, oscillation, flipflop, decision, teacher)", name));
}

bool is_random_task(const std::string& name) { return name == "flipflop" || name == "decision" || name == "teacher"; }

torch::Tensor rnn_loss(const torch::Tensor& y, const torch::Tensor& targets, const torch::Tensor& weights) {
  return (weights * (y - targets).pow(2)).sum();
}

torch::Tensor rnn_loss(const torch::Tensor& y, const RnnTaskData& task) {
  return rnn_loss(y, task.targets, task.weights);
}

}  // namespace netprobe::models
