#pragma once
/// The low-rank RNN tasks of LOWRANK.md as fixed full-batch datasets (float64, [trials, T]).
/// Output index k is y_{k+1}, the readout after the input x_k has entered.
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

/// Impulse x_0 = 1/dt, else 0; target y*(t) = exp(-c t) at t = k dt, k = 1..T.
RnnTaskData filter_task(double c, double dt, int64_t steps);
/// The rank-2 target exp(-0.3 t) cos(2 t) after the same impulse.
RnnTaskData oscillation_task(double dt, int64_t steps);
/// 1-bit flip-flop: pulses of +-1/dt for one step (a unit kick, like the impulse), the first
/// within the first tenth of the trial, then at rate 0.15 per unit time; the target holds the
/// sign of the last pulse. Masked: before the first pulse and for one time unit after each
/// pulse (the switch).
RnnTaskData flip_flop_task(double dt, int64_t steps, int64_t trials, uint64_t seed);
/// Noisy decision: during the first half, x = mu + (0.5 / sqrt(dt)) xi with mu drawn from
/// +-{0.1, 0.2, 0.4} per trial (white noise of unit-time strength 0.5); the target is sign(mu),
/// scored from 0.6 T on (after a delay of a tenth of the trial).
RnnTaskData noisy_decision_task(double dt, int64_t steps, int64_t trials, uint64_t seed);

/// filter, oscillation, flipflop, decision.
const std::vector<std::string>& rnn_task_names();
/// Builds a task by name (`decay` is the filter's c; trials and seed matter for the random
/// tasks). UsageError naming --task for an unknown name.
RnnTaskData make_rnn_task(const std::string& name, double decay, double dt, int64_t steps, int64_t trials,
                          uint64_t seed);

/// sum(task.weights * (y - task.targets)^2).
torch::Tensor rnn_loss(const torch::Tensor& y, const RnnTaskData& task);
torch::Tensor rnn_loss(const torch::Tensor& y, const torch::Tensor& targets, const torch::Tensor& weights);

}  // namespace netprobe::models
