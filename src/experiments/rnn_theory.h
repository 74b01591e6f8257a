#pragma once
/// `netprobe rnn theory`: full-N gradient descent against the overlap-space prediction from the
/// same initial Sigma, for several network sizes N (LOWRANK.md: exact for linear phi).
///
///   TheoryConfig c;  c.base.task = "filter";  c.sizes = {250, 1000};  c.out = "runs/theory";
///   TheoryResult r = run_rnn_theory(c);   // r.comparisons[i].max_overlap_error
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "src/experiments/rnn_run.h"

namespace netprobe::experiments {

/// One N: simulation against the prediction, tracked every config.track_every epochs.
struct TheoryComparison {
  int64_t n = 0;
  double max_overlap_error = 0;  ///< max over tracked epochs of max |dSigma| / max |Sigma|
  double max_loss_error = 0;     ///< max over tracked epochs of |dL| / L
  double invariant_drift = 0;    ///< relative drift of flow_invariants over the simulated run
  std::vector<double> overlap_error_by_epoch;
  std::vector<int> epochs;
};
TheoryComparison compare_with_theory(const RnnRunConfig& config, bool progress = false);

struct TheoryConfig {
  RnnRunConfig base;  ///< everything but N
  std::vector<int64_t> sizes = {250, 1000};
  std::filesystem::path out;  ///< empty: print only
  bool progress = false;      ///< a progress bar per network size (stderr, terminals only)
  /// UsageError for Adam, no sizes, or an invalid config at any N.
  void validate() const;
};

struct TheoryResult {
  RnnRunConfig base;
  std::vector<TheoryComparison> comparisons;
  core::Json to_json() const;
  static TheoryResult from_json(const core::Json& json, const std::string& source);
};

/// Runs every N; with config.out, writes theory.csv, result.json and meta.json atomically.
/// `on_size` (optional) sees each comparison as soon as it is done (the CLI prints it).
TheoryResult run_rnn_theory(const TheoryConfig& config,
                            const std::function<void(const TheoryComparison&)>& on_size = nullptr);

/// The table `rnn theory` prints: its header, and one line per N.
std::string theory_table_header();
std::string theory_table_line(const TheoryComparison& c);

}  // namespace netprobe::experiments
