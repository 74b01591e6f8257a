#pragma once
/// `netprobe probe`: one probe sweep (every level, draw and mode) on one trained classifier.
///
///   ClassifierProbeConfig c;  c.model = "runs/7v9";  c.probe = "prune";  c.with_signed = true;
///   std::vector<probes::SweepRow> rows = run_classifier_probe(c);
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "probes/sweep.h"

namespace netprobe::experiments {

struct ClassifierProbeConfig {
  std::filesystem::path model;  ///< a run directory of `netprobe train`
  std::string probe;
  std::string variant;         ///< empty = the probe's default variant
  std::vector<double> levels;  ///< empty = the probe's default grid
  bool with_signed = false;    ///< also evaluate sign() of each probed network
  std::string scope = "all";   ///< "all" or a layer name such as fc1
  int draws = 5;
  std::optional<std::filesystem::path> out;  ///< CSV of every row
  std::optional<std::filesystem::path> data_dir;

  /// UsageError naming the option for an unknown probe or variant, bad levels or draws.
  void validate() const;
  /// The sweep this config describes (defaults filled in).
  probes::SweepSpec sweep() const;
};

/// Loads the model and its task's test set, runs the sweep, and writes config.out atomically.
/// UsageError (--scope) when the model has no such layer.
std::vector<probes::SweepRow> run_classifier_probe(const ClassifierProbeConfig& config);

/// Mean accuracy per level and mode (full, signed) over draws, one line per level.
std::string format_probe_table(const std::vector<probes::SweepRow>& rows);

}  // namespace netprobe::experiments
