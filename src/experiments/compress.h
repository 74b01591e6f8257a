#pragma once
/// `netprobe compress`: the compression analysis of one model (a netprobe run or a TorchScript
/// file) on its test set. Every layer is probed alone, the others intact, plus the whole model
/// ("all"): magnitude and random pruning, uniform noise, binarization and shuffle B.
///
/// Layout of --out DIR: results.csv (every sweep row, long format as the study writes),
/// compression.json (config, one answer per layer, and the rows again for the report),
/// meta.json (kind "compression").
///
///   CompressConfig c;  c.source.model = "model.pt";  c.source.data = "test.pt";  c.out = "results/m";
///   CompressResult r = run_compress(c, ctx);
///   std::cout << probes::format_compression_table(r.layers, c.max_drop);
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/probe_model.h"
#include "probes/compression.h"

namespace netprobe::experiments {

struct CompressConfig {
  ProbeModelSource source;
  double max_drop = 1.0;      ///< accuracy points below the intact model still counted as surviving
  int draws = 5;              ///< draws of the stochastic probes (random pruning, noise, shuffle)
  std::filesystem::path out;  ///< empty: nothing written

  /// UsageError naming --max-drop or --draws.
  void validate() const;
  core::Json to_json() const;
};

struct CompressResult {
  std::string model_kind;  ///< netprobe-mlp | torchscript
  std::string task;        ///< the test set's id
  uint64_t seed = 0;
  int classes = 0;
  double max_drop = 1.0;
  std::vector<probes::SweepRow> rows;
  std::vector<probes::LayerCompression> layers;  ///< "all" first, then each layer in module order

  core::Json to_json() const;
  /// Throws core::Error naming `source` on missing or ill-typed fields.
  static CompressResult from_json(const core::Json& json, const std::string& source);
};

/// Guards config.out before any work, runs the sweeps, and writes the directory atomically.
CompressResult run_compress(const CompressConfig& config, const core::RunContext& context);

/// Reads compression.json of a compression directory back (its rows included); core::Error
/// naming the file when it is missing or malformed, UsageError when DIR is another kind.
CompressResult load_compress_result(const std::filesystem::path& dir);

}  // namespace netprobe::experiments
