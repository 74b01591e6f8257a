#pragma once
/// Overlap trajectories: the record a training run or the theory leaves every few epochs, and
/// the theory's own trajectory (the exact discrete map of gradient descent in overlap space).
///
///   auto predicted = theory_trajectory(sigma0, task, {rank, activation, dt}, {eta, epochs, 10});
#include <functional>
#include <string>
#include <vector>

#include "core/json_io.h"

#include "models/rnn/overlap_theory.h"

namespace netprobe::models {

/// One row of an overlap trajectory: epoch, loss before that epoch's step, Sigma after it.
struct OverlapRecord {
  int epoch = 0;
  double loss = 0;
  torch::Tensor sigma;
};

/// An overlap matrix as JSON rows [[...], ...] and back (core::Error unless square).
core::Json overlap_matrix_to_json(const torch::Tensor& sigma);
torch::Tensor overlap_matrix_from_json(const core::Json& rows);
/// {"epoch", "loss" (NaN as null), "sigma": rows}, for nlohmann (vectors of records convert too).
void to_json(core::Json& json, const OverlapRecord& record);
void from_json(const core::Json& json, OverlapRecord& record);

/// Gradient descent at rate eta * N on the vectors (rate eta on the overlaps), `epochs` steps,
/// recorded every `track_every` epochs and at the end.
struct GdSchedule {
  double eta = 5e-3;
  int epochs = 1;
  int track_every = 1;
};

/// How the prediction advances one epoch: the exact discrete map of GD, or the gradient flow
/// dSigma/dt = -2 eta (E Sigma + Sigma E) over one epoch's time by one Euler or RK4 step. The
/// flow differs from GD by O(eta) over a fixed learning time eta * epochs.
enum class Integrator { kMap, kEuler, kRk4 };
/// map, euler or rk4; UsageError naming --integrator otherwise.
Integrator parse_integrator(const std::string& name);
std::string to_string(Integrator integrator);

/// The overlap-space prediction of a GD run from sigma0 with E from the latent model (exact for
/// linear phi, Gaussian closure otherwise). Epoch 0 is the start; epoch k holds the loss before
/// step k and Sigma after it, as a simulated run records them.
std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const RnnTaskData& task,
                                             const RnnDynamics& dynamics, const GdSchedule& schedule,
                                             Integrator integrator = Integrator::kMap);

/// The trials of each epoch (0-based), for tasks that draw fresh trials every epoch.
using TaskOfEpoch = std::function<const RnnTaskData&(int epoch)>;
/// As above, with epoch k's step taken on task_of_epoch(k), as a run with fresh trials trains.
std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const TaskOfEpoch& task_of_epoch,
                                             const RnnDynamics& dynamics, const GdSchedule& schedule,
                                             Integrator integrator = Integrator::kMap);

/// max that keeps a NaN: std::max would drop it and report a diverged theory as a perfect match.
double max_keep_nan(double a, double b);

}  // namespace netprobe::models
