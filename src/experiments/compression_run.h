#pragma once
/// `netprobe compress`: the compression analysis of one model (a netprobe run or a TorchScript
/// file) on its test set. Every layer is probed alone, the others intact, plus the whole model
/// ("all"): magnitude and random pruning, uniform noise, binarization and shuffle B.
///
/// Layout of --out DIR: results.csv (every sweep row, long format as the study writes),
/// compression.json (config, one answer per layer, and the rows again for the report),
/// meta.json (kind "compression").
///
///   CompressionConfig c;  c.source.model = "model.pt";  c.source.data = "test.pt";  c.out = "results/m";
///   CompressionResult r = run_compression(c);
///   std::cout << probes::format_compression_table(r.layers, c.max_drop);
#include <filesystem>
#include <string>
#include <vector>

#include "probes/compression.h"
#include "experiments/probe_model.h"

namespace netprobe::experiments {

struct CompressionConfig {
  ProbeModelSource source;
  double max_drop = 1.0;      ///< accuracy points below the intact model still counted as surviving
  int draws = 5;              ///< draws of the stochastic probes (random pruning, noise, shuffle)
  std::filesystem::path out;  ///< empty: nothing written
  bool progress = false;

  /// UsageError naming --max-drop or --draws.
  void validate() const;
  core::Json to_json() const;
};

struct CompressionResult {
  std::string model_kind;  ///< netprobe-mlp | torchscript
  std::string task;        ///< the test set's id
  uint64_t seed = 0;
  int classes = 0;
  double max_drop = 1.0;
  std::vector<probes::SweepRow> rows;
  std::vector<probes::LayerCompression> layers;  ///< "all" first, then each layer in module order

  core::Json to_json() const;
  /// Throws core::Error naming `source` on missing or ill-typed fields.
  static CompressionResult from_json(const core::Json& json, const std::string& source);
};

/// Guards config.out before any work, runs the sweeps, and writes the directory atomically.
CompressionResult run_compression(const CompressionConfig& config);

/// Reads compression.json of a compression directory back (its rows included); core::Error
/// naming the file when it is missing or malformed, UsageError when DIR is another kind.
CompressionResult load_compression(const std::filesystem::path& dir);

}  // namespace netprobe::experiments
