#pragma once
/// `netprobe rnn theory`: full-N gradient descent against the overlap-space prediction from the
/// same initial Sigma, for several network sizes N (LOWRANK.md: exact for linear phi).
///
///   TheoryConfig c;  c.base.task = "filter";  c.sizes = {250, 1000};  c.out = "runs/theory";
///   TheoryResult r = run_rnn_theory(c);   // r.comparisons[i].max_overlap_error
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "experiments/rnn/run.h"

namespace netprobe::experiments {

/// Drift of each conserved quantity of the activation over a run, by name (models::invariant_drifts).
using NamedDrifts = std::vector<std::pair<std::string, double>>;

/// One N: simulation against the prediction, tracked every config.track_every epochs.
struct TheoryComparison {
  int64_t n = 0;
  double max_overlap_error = 0;  ///< max over tracked epochs of max |dSigma| / max |Sigma|
  double max_loss_error = 0;     ///< max over tracked epochs of |dL| / L
  /// The first GD step: max |dSigma_theory - dSigma_sim| / max |dSigma_sim|, dSigma = Sigma_1 - Sigma_0
  /// (the exact map). Round-off for linear phi; the Gaussian closure's finite-N error otherwise.
  double first_step_error = 0;
  NamedDrifts sim_invariant_drift;     ///< over the simulated GD run
  NamedDrifts theory_invariant_drift;  ///< over the predicted trajectory (map or flow)
  std::vector<double> overlap_error_by_epoch;
  std::vector<int> epochs;
  /// The GD run's tracked trajectory, and the prediction from its Sigma_0 by each integrator
  /// ("map", "euler", "rk4"; the errors above use the config's one): trajectories.csv and the
  /// trajectory figure.
  std::vector<models::OverlapRecord> gd;
  std::map<std::string, std::vector<models::OverlapRecord>> predicted;
  /// Linear phi on a fixed task: the flows of the visible block alone (models/rnn/visible_flow.h),
  /// "balanced" and "plain" in `predicted`, and their max over tracked epochs of
  /// max |X - X_gd| / max |X_gd| (X = Sigma_AB). NaN otherwise.
  double balanced_flow_error = std::nan(""), plain_flow_error = std::nan("");
};
TheoryComparison compare_with_theory(const RnnRunConfig& config,
                                     models::Integrator integrator = models::Integrator::kMap, bool progress = false);

struct TheoryConfig {
  RnnRunConfig base;  ///< everything but N
  std::vector<int64_t> sizes = {250, 1000};
  models::Integrator integrator = models::Integrator::kMap;  ///< how the prediction steps
  std::filesystem::path out;                                 ///< empty: print only
  /// UsageError for Adam, no sizes, or an invalid config at any N.
  void validate() const;
};

struct TheoryResult {
  RnnRunConfig base;
  models::Integrator integrator = models::Integrator::kMap;
  std::vector<TheoryComparison> comparisons;
  core::Json to_json() const;
  static TheoryResult from_json(const core::Json& json, const std::string& source);
};

/// Runs every N; with config.out, writes theory.csv, trajectories.csv (n, source = gd, map, euler or
/// rk4, epoch, loss, every overlap), result.json and meta.json atomically.
/// `on_size` (optional) sees each comparison as soon as it is done (the CLI prints it).
TheoryResult run_rnn_theory(const TheoryConfig& config, const core::RunContext& context,
                            const std::function<void(const TheoryComparison&)>& on_size = nullptr);

/// The table `rnn theory` prints: its header (the activation's invariants by name), and one line per N.
std::string theory_table_header(models::RnnActivation activation);
std::string theory_table_line(const TheoryComparison& c);
/// The visible-block flows' errors by N, when computed ("" otherwise).
std::string format_visible_flows(const TheoryResult& result);

/// How the first-step closure error depends on N, from the measured sizes (ascending N): the
/// least-squares slope of log error against log N, and the slope between each pair of consecutive
/// sizes. A power law only when there are at least three sizes and every local slope is within
/// kPowerLawTolerance of the fitted one (a floor or a bend is not one: the flip-flop's error
/// went 7.7e-4 to 7.6e-4 from N 1000 to 4000 while a three-point fit said N^-0.54).
struct ClosureErrorFit {
  std::vector<int64_t> n;
  std::vector<double> error;
  double slope = std::nan("");       ///< NaN for fewer than 2 sizes or a non-positive error
  std::vector<double> local_slopes;  ///< between sizes i and i + 1
  bool power_law = false;
  static constexpr double kPowerLawTolerance = 0.2;
};
ClosureErrorFit fit_first_step_error(const std::vector<TheoryComparison>& comparisons);

/// The line `rnn theory` prints after its table for nonlinear phi and several N: the errors by N,
/// and the power of N only where they follow one; "" for linear phi or fewer than 2 sizes.
std::string format_theory_slope(const TheoryResult& result);

}  // namespace netprobe::experiments
