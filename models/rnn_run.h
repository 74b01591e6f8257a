#pragma once
/// Low-rank RNN runs: training through the shared trainer with overlap tracking, and the
/// simulation-versus-theory comparison in overlap space.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/low_rank_rnn.h"
#include "models/overlap_theory.h"
#include "models/rnn_tasks.h"
#include "src/core/json_io.h"

namespace netprobe::models {

struct RnnRunConfig {
  std::string task = "filter";  ///< filter | oscillation | flipflop | decision
  double decay = 0.2;           ///< c of the filter task
  int64_t trials = 32;          ///< trials of the random tasks (a fixed full batch, seeded)
  int64_t n = 500, rank = 1;
  RnnActivation activation = RnnActivation::kLinear;
  double dt = 0.05;
  int64_t steps = 400;
  double eta = 5e-3;            ///< GD: rate eta*N on every vector; Adam: learning rate eta
  bool adam = false;
  int epochs = 2000;
  int track_every = 10;         ///< overlaps recorded every k epochs (and at the end)
  uint64_t seed = 0;

  core::Json to_json() const;
  /// Inverse of to_json; core::Error naming `source` for a missing or invalid field.
  static RnnRunConfig from_json(const core::Json& json, const std::string& source);
  /// UsageError naming the option for an invalid value (rank, N, dt, task, ...).
  void validate() const;
  RnnTaskData task_data() const;
  LowRankRnnOptions rnn_options() const;
};

/// One row of an overlap trajectory: epoch, loss before that epoch's step, Sigma after it.
struct OverlapRecord {
  int epoch = 0;
  double loss = 0;
  torch::Tensor sigma;
};

/// Trains `rnn` in place on `task` with config's optimizer, eta, epochs and track_every (full
/// batch, shared trainer). Epoch 0 of the trajectory is the starting point.
std::vector<OverlapRecord> train_rnn_on(LowRankRnn& rnn, const RnnTaskData& task, const RnnRunConfig& config,
                                        bool progress);
/// Trains a randomly initialized network (seeded) on config's task and returns its overlap
/// trajectory. `rnn` receives the trained network.
std::vector<OverlapRecord> train_rnn(const RnnRunConfig& config, LowRankRnn& rnn, bool progress);
/// The overlap-space prediction of the same run from sigma0: the exact discrete map with E from
/// the latent model (exact for linear phi, Gaussian closure otherwise), recorded like
/// train_rnn_on. UsageError for Adam (no overlap-space map).
std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const RnnTaskData& task,
                                             const RnnRunConfig& config);

/// Adds derived outputs (figures) to a run's staging directory before it is committed.
using RunExtras = std::function<void(const std::filesystem::path& staging, const std::vector<OverlapRecord>& records)>;
/// Writes weights.pt, overlaps.csv, metrics.jsonl, config.json and meta.json atomically into
/// out_dir (staged, renamed at the end). Returns meta.json's content.
core::Json train_rnn_run(const RnnRunConfig& config, const std::filesystem::path& out_dir, int threads, bool progress,
                         const RunExtras& extras = {});

/// A trained network read back from a `rnn train` run directory. UsageError (--model) if `dir`
/// is not a run directory, core::Error if its files are corrupt or mismatched.
struct RnnRun {
  RnnRunConfig config;
  LowRankRnn rnn{nullptr};
};
RnnRun load_rnn_run(const std::filesystem::path& dir);

/// CSV: epoch, loss, then every upper-triangle overlap by name.
std::string overlaps_csv(const std::vector<OverlapRecord>& records, int64_t rank);

/// max that keeps a NaN: std::max would drop it and report a diverged theory as a perfect match.
double max_keep_nan(double a, double b);

/// Simulation (full-N GD) against the overlap-space prediction from the same initial Sigma
/// (the discrete map with E from the latent model: exact for linear, Gaussian closure
/// otherwise), tracked every config.track_every epochs.
struct TheoryComparison {
  int64_t n = 0;
  double max_overlap_error = 0;  ///< max over tracked epochs of max |dSigma| / max |Sigma|
  double max_loss_error = 0;     ///< max over tracked epochs of |dL| / L
  double invariant_drift = 0;    ///< relative drift of flow_invariants over the simulated run
  std::vector<double> overlap_error_by_epoch;
  std::vector<int> epochs;
};
TheoryComparison compare_with_theory(const RnnRunConfig& config);

}  // namespace netprobe::models
