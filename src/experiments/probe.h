#pragma once
/// `netprobe probe`: one probe sweep (every level, draw and mode) on one classifier: a netprobe
/// run directory or a TorchScript file (experiments/probe_model.h), whole or layer by layer.
///
///   ProbeConfig c;  c.source.model = "runs/7v9";  c.probe = "prune";  c.with_signed = true;
///   ProbeResult r = run_probe(c, ctx);   // r.rows
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiments/probe_model.h"
#include "probes/sweep.h"

namespace netprobe::experiments {

struct ProbeConfig {
  ProbeModelSource source;
  std::string probe;
  std::string variant;         ///< empty = the probe's default variant
  std::vector<double> levels;  ///< empty = the probe's default grid
  bool with_signed = false;    ///< also evaluate sign() of each probed network
  std::string scope = "all";   ///< "all" or a layer name such as fc1
  bool layer_profile = false;  ///< also sweep each layer alone, the others intact
  int draws = 5;
  std::optional<std::filesystem::path> out;  ///< CSV of every row

  /// UsageError naming the option for an unknown probe or variant, bad levels or draws.
  void validate() const;
  /// The sweeps this config describes (defaults filled in): the scope's, then with
  /// layer_profile one per layer of `layers`.
  std::vector<probes::SweepSpec> sweeps(const std::vector<std::string>& layers) const;
};

struct ProbeResult {
  std::vector<probes::SweepRow> rows;
  std::map<std::string, double> sigma_w;  ///< scope -> std of its weights (the unit of noise levels)
};

/// Loads the model and its test set, runs the sweeps, and writes config.out atomically.
/// UsageError (--scope) when the model has no such layer.
ProbeResult run_probe(const ProbeConfig& config, const core::RunContext& context);

/// Per scope, the mean accuracy per level and mode (full, signed) over draws with the draws'
/// standard deviation, one line per level; noise levels also in units of the weights' std.
std::string format_probe_table(const ProbeResult& result);

}  // namespace netprobe::experiments
