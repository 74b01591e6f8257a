#pragma once
/// The low-rank RNN tasks of LOWRANK.md as fixed full-batch datasets (float64, [trials, T]).
/// Output index k reads state h_{k + readout_lag} (low_rank_rnn.h).
///
///   RnnTaskData t = flip_flop_task(0.05, 400, /*trials=*/32, /*seed=*/1);
///   torch::Tensor loss = rnn_loss(rnn->forward(t.inputs), t);
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace netprobe::models {

/// The flip-flop in time units. Defaults: the authors' task (first pulse at 0.5, nothing scored
/// before it, each later pulse after a quiet gap from U(4, 10), the scoring gap opening one step
/// before a pulse and closing 2 time units after its end, target +-0.5 for pulses of +-1).
struct FlipFlopParams {
  std::optional<double> first_pulse = 0.5;  ///< onset of the first pulse; unset: after a gap like the others
  double gap_min = 4, gap_max = 10;         ///< quiet time before each later pulse
  double pulse_time = 0.5;
  double amplitude = 1;             ///< input +-amplitude during a pulse
  double target = 0.5;              ///< the target holds +-target x the last pulse's sign
  double unscored_after = 2;        ///< unscored until this long after a pulse ends
  int64_t unscored_lead = 1;        ///< steps before each onset that are already unscored
  bool score_before_first = false;  ///< score target 0 before the first pulse
};

/// The perceptual decision in time units. Defaults: the authors' task (coherences +-{2, 4, 8, 16},
/// fixation 1, stimulus 9, delay 1, then the response; only the response scored).
struct DecisionParams {
  std::vector<double> coherences = {2, 4, 8, 16};  ///< each drawn with either sign
  double fixation = 1, stimulus = 9, delay = 1;
  double input_noise = 0.03;    ///< s.d. of the input noise on every step
  bool score_fixation = false;  ///< also score target 0 during fixation
};

/// The teacher task: the target is the output of an effective (latent, Gaussian-closure) erf_s
/// RNN of given overlaps, driven by noise_scale x N(0, 1) noise plus pulse_scale x flip-flop pulses.
struct TeacherParams {
  double noise_scale = 1.5, pulse_scale = 2;
  /// The teacher's overlap matrix (rank 1: 4 x 4 row-major, order z, v, m, u); empty: the default
  /// bistable teacher of teacher_task.h.
  std::vector<double> overlaps;
};

/// Every task's parameters. RnnTaskParams{} is the authors' definitions; netprobe_v1() the ones
/// netprobe used before (flip-flop: first pulse after a gap, scored from t = 0 with target 0;
/// decision: coherences +-{1, 2, 4, 8, 16}, fixation scored).
struct RnnTaskParams {
  FlipFlopParams flipflop;
  DecisionParams decision;
  TeacherParams teacher;
  static RnnTaskParams authors() { return {}; }
  static RnnTaskParams netprobe_v1();
  /// UsageError naming the option of an invalid value.
  void validate() const;
};

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
/// 1-bit flip-flop (FlipFlopParams): pulses of +-amplitude; the target holds target x the sign of
/// the last pulse (0 before the first). Trials must hold the first pulse and its unscored tail.
RnnTaskData flip_flop_task(double dt, int64_t steps, int64_t trials, uint64_t seed, const FlipFlopParams& p = {});
/// Perceptual decision (DecisionParams): input c * 3.2 / 100 during the stimulus plus noise every
/// step; graded target c / 16 in the response (0 in fixation).
RnnTaskData noisy_decision_task(double dt, int64_t steps, int64_t trials, uint64_t seed, const DecisionParams& p = {});

/// filter, oscillation, flipflop, decision, teacher.
const std::vector<std::string>& rnn_task_names();
/// Builds a task by name (`decay` is the filter's c; trials and seed matter for the random
/// tasks). The filter tasks score h_1, the state just after the impulse, at t = 0: with
/// readout_lag 0 (tanh, erf_s read out before the update) h_1 is output 1, so their targets and
/// weights move one step later and output 0 (from h_0 = 0) is unscored; the last target drops.
/// UsageError naming --task for an unknown name.
RnnTaskData make_rnn_task(const std::string& name, double decay, double dt, int64_t steps, int64_t trials,
                          uint64_t seed, int64_t readout_lag = 1, const RnnTaskParams& params = {});
/// flipflop, decision and teacher draw random trials.
bool is_random_task(const std::string& name);

/// sum(task.weights * (y - task.targets)^2).
torch::Tensor rnn_loss(const torch::Tensor& y, const RnnTaskData& task);
torch::Tensor rnn_loss(const torch::Tensor& y, const torch::Tensor& targets, const torch::Tensor& weights);

}  // namespace netprobe::models
