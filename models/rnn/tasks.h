#pragma once
/// The low-rank RNN tasks of LOWRANK.md as fixed full-batch datasets (float64, [trials, T]).
/// Output index k reads state h_{k + readout_lag} (low_rank_rnn.h).
///
///   RnnTaskData t = flip_flop_task(0.05, 400, /*trials=*/32, /*seed=*/1);
///   torch::Tensor loss = rnn_loss(rnn->forward(t.inputs), t);
#include <string>
#include <vector>

#include <torch/torch.h>

namespace netprobe::models {

struct RnnTaskData {
  torch::Tensor inputs;   ///< [trials, T]
  torch::Tensor targets;  ///< [trials, T]
  /// Per-entry loss weights: the loss is sum(weights * (y - y*)^2). dt / trials for the filter
  /// tasks (L = dt * sum_t, LOWRANK.md); mask / sum(mask) for the masked-MSE tasks.
  torch::Tensor weights;
};

/// Impulse x_0 = 1/dt, else 0; target y*(t) = exp(-c t) on the authors' grid: y_k is scored at
/// t = (k - 1) T dt / (T - 1), k = 1..T (linspace(0, T dt, T)), so y_1 against y*(0) = 1.
RnnTaskData filter_task(double c, double dt, int64_t steps);
/// The rank-2 target exp(-0.3 t) cos(2 t) after the same impulse.
RnnTaskData oscillation_task(double dt, int64_t steps);
/// 1-bit flip-flop as the authors (time units): pulses of 0.5 at amplitude +-1, each after a quiet
/// gap from U(4, 10); the target holds 0.5 x the sign of the last pulse (0 before the first) and
/// is unscored from a pulse's onset until 2 time units after its end. Trials of >= 12.5 time units.
RnnTaskData flip_flop_task(double dt, int64_t steps, int64_t trials, uint64_t seed);
/// Perceptual decision as the authors (time units): fixation 1, stimulus 9, delay 1, then the
/// response to the end (9 at T dt = 20); coherence c from +-{1, 2, 4, 8, 16}, input c * 3.2 / 100
/// during the stimulus plus N(0, 0.03^2) noise every step; graded target c / 16 in the response,
/// 0 in fixation; only those two periods are scored.
RnnTaskData noisy_decision_task(double dt, int64_t steps, int64_t trials, uint64_t seed);

/// filter, oscillation, flipflop, decision.
const std::vector<std::string>& rnn_task_names();
/// Builds a task by name (`decay` is the filter's c; trials and seed matter for the random
/// tasks). The filter tasks score h_1, the state just after the impulse, at t = 0: with
/// readout_lag 0 (tanh, erf_s read out before the update) h_1 is output 1, so their targets and
/// weights move one step later and output 0 (from h_0 = 0) is unscored; the last target drops.
/// UsageError naming --task for an unknown name.
RnnTaskData make_rnn_task(const std::string& name, double decay, double dt, int64_t steps, int64_t trials,
                          uint64_t seed, int64_t readout_lag = 1);

/// sum(task.weights * (y - task.targets)^2).
torch::Tensor rnn_loss(const torch::Tensor& y, const RnnTaskData& task);
torch::Tensor rnn_loss(const torch::Tensor& y, const torch::Tensor& targets, const torch::Tensor& weights);

}  // namespace netprobe::models
