#pragma once
/// Low-rank RNN runs: the run config, training through the shared trainer with overlap
/// tracking, and the run directory written by `netprobe rnn train`.
///
/// Layout of DIR: weights.pt (m, U, V, z), overlaps.csv (the tracked trajectory), metrics.jsonl
/// (epoch, loss), config.json, meta.json (kind "low-rank-rnn", losses, speed, versions).
///
///   RnnRunConfig c;  c.task = "filter";  c.n = 1000;  c.validate();
///   RnnTrainResult r = run_rnn_train({c, "runs/filter"}, ctx);
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/json_io.h"
#include "core/run_context.h"
#include "models/rnn/low_rank_rnn.h"
#include "models/rnn/overlap_trajectory.h"
#include "models/rnn/tasks.h"
#include "train/optimizer.h"

namespace netprobe::experiments {

struct RnnRunConfig {
  std::string task = "filter";        ///< filter | oscillation | flipflop | decision | teacher
  double decay = 0.2;                 ///< c of the filter task
  models::RnnTaskParams task_params;  ///< the random tasks' definitions (default: the authors')
  /// s.d. of Gaussian noise added to every target, drawn anew each epoch (0: none); a phase of
  /// the memory experiment can train on noisy targets.
  double target_noise = 0;
  int64_t trials = 10;  ///< trials of the random tasks (flipflop, decision) per epoch
  /// Random tasks: new trials every epoch (seeded by seed and epoch), as the authors train;
  /// false: one fixed batch drawn from seed.
  bool fresh_trials = true;
  int64_t n = 500, rank = 1;
  models::RnnActivation activation = models::RnnActivation::kLinear;
  double dt = 0.05;
  int64_t steps = 400;
  double eta = 5e-3;  ///< GD (sgd): rate eta*N on every vector; Adam: learning rate eta
  train::OptimizerKind optimizer = train::OptimizerKind::kSgd;  ///< full batch, so sgd is plain GD
  int epochs = 2000;
  int track_every = 10;  ///< overlaps recorded every k epochs (and at the end)
  uint64_t seed = 0;
  /// Sigma0 of the initial network, row-major (2R+2)^2 in the order z, v.., m, u.. (overlap_theory.h),
  /// symmetric positive definite; realized exactly at any N >= 2R+2. Empty: random initialization.
  std::vector<double> init_overlaps;
  /// A balanced start (models::balanced_vectors: K = A A^T - B B^T = 0) instead of independent
  /// random vectors; not with init_overlaps.
  bool balanced_init = false;

  core::Json to_json() const;
  /// Inverse of to_json; core::Error naming `source` for a missing or invalid field.
  static RnnRunConfig from_json(const core::Json& json, const std::string& source);
  /// UsageError naming the option for an invalid value (rank, N, dt, task, ...).
  void validate() const;
  /// init_overlaps as a [2R+2, 2R+2] float64 tensor (non-empty init_overlaps only).
  torch::Tensor init_overlap_matrix() const;
  /// The trials of epoch `epoch` (0-based): the same every epoch for the deterministic tasks
  /// and with fresh_trials off. task_data() is epoch 0's.
  models::RnnTaskData task_data(int epoch = 0) const;
  /// flipflop, decision and teacher draw random trials; filter and oscillation are one fixed trial.
  bool random_task() const;
  /// A random task with fresh_trials on, or noisy targets: every epoch trains on a new draw.
  bool draws_fresh_trials() const { return (random_task() && fresh_trials) || target_noise > 0; }
  /// 200 trials of a random task that training never sees (own seed): the loss a run reports as
  /// meta.json's held_out.loss.
  models::RnnTaskData held_out_task() const;
  /// "filter c=0.2, N=500, R=1, linear": what a figure title names.
  std::string label() const;
  /// "filter c=0.2": the task alone.
  std::string task_label() const;
  models::LowRankRnnOptions rnn_options() const;
  models::RnnDynamics dynamics() const { return {rank, activation, dt}; }
  /// True when `other` is the same network (N, rank, activation, dt, steps): two phases of one
  /// experiment may differ only in task, optimizer and schedule.
  bool same_network(const RnnRunConfig& other) const;
  /// Plain gradient descent, the optimizer the overlap theory follows.
  bool is_gd() const { return optimizer == train::OptimizerKind::kSgd; }
  models::GdSchedule gd_schedule() const { return {eta, epochs, track_every}; }
};

/// The authors' setting of a nonlinear task, which `rnn train` uses unless told otherwise.
struct RnnTaskDefaults {
  int64_t n;
  models::RnnActivation activation;
  double dt;
  int64_t steps;
  int64_t trials;
  double eta;
  int epochs;
};
/// flipflop, decision and teacher have one (the flip-flop's trial length follows the preset: 20
/// time units as the authors, 50 for netprobe-v1); the filter tasks keep the generic defaults.
std::optional<RnnTaskDefaults> rnn_task_defaults(const std::string& task, const models::RnnTaskParams& params = {});

/// gd (an alias of sgd: full batch) or adam; UsageError naming --optimizer otherwise.
train::OptimizerKind parse_rnn_optimizer(const std::string& name);
/// "gd" (plain full-batch gradient descent) or "adam".
std::string rnn_optimizer_name(train::OptimizerKind kind);

/// Trains `rnn` in place on `task` with config's optimizer, eta, epochs and track_every (full
/// batch, shared trainer). Epoch 0 of the trajectory is the starting point. With fresh trials
/// of a random task, epoch e trains on config.task_data(first_epoch + e) (epoch 0 of a run that
/// starts at first_epoch 0: `task`), so a phase continued in chunks sees new trials.
std::vector<models::OverlapRecord> train_rnn_on(models::LowRankRnn& rnn, const models::RnnTaskData& task,
                                                const RnnRunConfig& config, bool progress, int first_epoch = 0);
/// A network initialized from config.seed ("rnn-init"), the start of every RNN experiment.
models::LowRankRnn init_rnn(const RnnRunConfig& config);
/// Trains a randomly initialized network (seeded) on config's task and returns its overlap
/// trajectory. `rnn` receives the trained network.
std::vector<models::OverlapRecord> train_rnn(const RnnRunConfig& config, models::LowRankRnn& rnn, bool progress);
/// The overlap-space prediction of config's GD run from sigma0, on the same trials as
/// train_rnn_on (epoch 0: `task`; fresh trials after it for a random task). UsageError for Adam.
std::vector<models::OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const models::RnnTaskData& task,
                                                     const RnnRunConfig& config,
                                                     models::Integrator integrator = models::Integrator::kMap);

struct RnnTrainResult {
  RnnRunConfig config;
  core::Json meta;                             ///< meta.json as written
  std::vector<models::OverlapRecord> records;  ///< the tracked trajectory
  double initial_loss() const { return records.front().loss; }
  double final_loss() const { return records.back().loss; }
};

/// {name: drift} over the run of each quantity gradient flow conserves for config's activation
/// (models::invariant_drifts): small for GD (O(eta^2) per step), not for Adam.
core::Json invariant_drift_json(const RnnRunConfig& config, const std::vector<models::OverlapRecord>& records);

/// `netprobe rnn train`: a network's run config and the directory to write.
/// Where `rnn train` trains: the N-neuron network (GD or Adam on its vectors), or its overlaps
/// alone, the reduced model of LOWRANK.md as the trainer (GD's exact map, or the gradient flow by
/// Euler or RK4; exact for linear phi, through the Gaussian closure otherwise), at a cost per
/// epoch that does not depend on N. "network" or "overlap" on the command line.
enum class TrainingSpace { kNetwork, kOverlap };
TrainingSpace parse_training_space(const std::string& name);  ///< UsageError naming --space
std::string to_string(TrainingSpace space);

struct RnnTrainConfig {
  RnnRunConfig run;
  std::filesystem::path out;
  TrainingSpace space = TrainingSpace::kNetwork;
  models::Integrator integrator = models::Integrator::kMap;  ///< how overlap space steps
};

/// Trains and writes the run directory atomically (staged, renamed at the end); an `out` that is
/// a user's folder is refused before training (UsageError). In overlap space the run starts from
/// the overlaps of the network the same seed would draw (or --init-overlaps), writes no
/// weights.pt, and meta.json says "space": "overlap" and its integrator; Adam is refused there.
RnnTrainResult run_rnn_train(const RnnTrainConfig& config, const core::RunContext& context);

/// The trajectory of config's GD run followed in overlap space alone, from the overlaps of the
/// network init_rnn(config) draws (or config's initial overlap matrix).
std::vector<models::OverlapRecord> train_in_overlap_space(const RnnRunConfig& config, models::Integrator integrator);

/// What `rnn train` prints: the loss before and after, the speed, the held-out loss of a random
/// task, and the drift of what gradient flow conserves.
std::string format_rnn_train(const RnnTrainResult& result, const std::filesystem::path& out);

/// The config and trajectory of a `rnn train` run directory (meta.json and overlaps.csv).
/// UsageError (--model) if `dir` is not such a run, core::Error naming a corrupt file.
RnnTrainResult load_rnn_train_result(const std::filesystem::path& dir);

/// A trained network read back from a `rnn train` run directory. UsageError (--model) if `dir`
/// is not such a run directory, core::Error if its files are corrupt or mismatched.
struct RnnRun {
  RnnRunConfig config;
  models::LowRankRnn rnn{nullptr};
};
RnnRun load_rnn_run(const std::filesystem::path& dir);

/// CSV: epoch, loss, then every upper-triangle overlap by name.
std::string overlaps_csv(const std::vector<models::OverlapRecord>& records, int64_t rank);
/// overlaps.csv's header without its newline ("epoch,loss,|z|^2,...") and one record's line.
std::string overlaps_csv_header(int64_t rank);
std::string overlaps_csv_line(const models::OverlapRecord& record, int64_t rank);

}  // namespace netprobe::experiments
