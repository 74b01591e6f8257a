#pragma once
/// A trained classifier on disk: the run directory written by `netprobe train` (and cached by
/// `netprobe study`), and loading it back with every consistency check.
///
/// Layout of DIR: weights.pt (named tensors), meta.json (config, accuracies, versions, threads),
/// config.json (the effective config), metrics.jsonl (one record per epoch).
#include <filesystem>
#include <string>
#include <vector>

#include "models/mlp.h"
#include "src/core/json_io.h"
#include "src/data/task.h"
#include "src/train/lr_schedule.h"
#include "src/train/optimizer.h"

namespace netprobe::models {

struct ClassifierRunConfig {
  data::TaskSpec task{"mnist", {7, 9}};
  std::vector<int64_t> hidden{64};
  Activation activation = Activation::kRelu;
  bool bias = true;
  int epochs = 10;
  int64_t batch = 128;
  double lr = 0.01;
  train::OptimizerKind optimizer = train::OptimizerKind::kAdam;
  train::LrScheduleKind schedule = train::LrScheduleKind::kCosine;
  uint64_t seed = 0;

  core::Json to_json() const;
  /// Throws core::Error naming `source` on missing or ill-typed fields.
  static ClassifierRunConfig from_json(const core::Json& json, const std::string& source);
  /// Stable 16-hex-digit hash of everything that determines the trained weights (and the
  /// thread count, which can change floating-point reduction order).
  std::string hash(int threads) const;
  MlpOptions mlp_options(int64_t input_size) const;
};

/// Trains on `task` and writes the run directory atomically (a staged directory renamed into
/// place): an interrupted run leaves no partial `out_dir`. Returns meta.json's content.
core::Json train_classifier_run(const ClassifierRunConfig& config, const data::Task& task,
                                const std::filesystem::path& out_dir, int threads, bool progress);

struct ClassifierRun {
  ClassifierRunConfig config;
  Mlp model{nullptr};
  core::Json meta;
};

/// Loads a run directory; a missing file, corrupt weights or an architecture that does not
/// match meta.json is a core::Error naming the file.
ClassifierRun load_classifier_run(const std::filesystem::path& dir);

/// Trains and returns the model without writing anything (benchmarks, tests).
Mlp train_classifier(const ClassifierRunConfig& config, const data::Task& task, bool progress,
                     std::vector<core::Json>* history = nullptr);

}  // namespace netprobe::models
