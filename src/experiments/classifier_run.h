#pragma once
/// A trained classifier on disk: the run directory written by `netprobe train` (and cached by
/// `netprobe study`), and loading it back with every consistency check.
///
/// Layout of DIR: weights.pt (named tensors), meta.json (kind "classifier", config, accuracies,
/// versions, threads), config.json (the effective config), metrics.jsonl (one record per epoch).
///
///   ClassifierRunConfig c;  c.task = {"mnist", {7, 9}};  c.validate();
///   train_classifier_run(c, data::load_task(c.task, {}), "runs/7v9", 2, true);
///   ClassifierRun run = load_classifier_run("runs/7v9");
#include <filesystem>
#include <string>
#include <vector>

#include "core/json_io.h"
#include "data/task.h"
#include "models/mlp.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"

namespace netprobe::experiments {

struct ClassifierRunConfig {
  data::TaskSpec task{"mnist", {7, 9}};
  std::vector<int64_t> hidden{64};
  models::Activation activation = models::Activation::kRelu;
  bool bias = true;
  int epochs = 10;
  int64_t batch = 128;
  double lr = 0.01;
  train::OptimizerKind optimizer = train::OptimizerKind::kAdam;
  train::LrScheduleKind schedule = train::LrScheduleKind::kCosine;
  uint64_t seed = 0;

  /// UsageError naming the option (--epochs, --batch, --lr, --hidden) for an invalid value.
  /// The task is not checked here (a study validates its tasks; from_json checks a stored one).
  void validate() const;
  core::Json to_json() const;
  /// Throws core::Error naming `source` on missing or ill-typed fields.
  static ClassifierRunConfig from_json(const core::Json& json, const std::string& source);
  /// Stable 16-hex-digit hash of everything that determines the trained weights (and the
  /// thread count, which can change floating-point reduction order).
  std::string hash(int threads) const;
  /// UsageError (--hidden) when training this MLP on `input_size` inputs cannot fit in memory:
  /// weights, gradients and Adam's two moments, 4 floats per parameter.
  void check_memory(int64_t input_size) const;
  models::MlpOptions mlp_options(int64_t input_size) const;
};

/// Trains on `task` and writes the run directory atomically (a staged directory renamed into
/// place): an interrupted run leaves no partial `out_dir`, and an `out_dir` that is a user's
/// folder is refused (UsageError) before training. Returns meta.json's content.
core::Json train_classifier_run(const ClassifierRunConfig& config, const data::Task& task,
                                const std::filesystem::path& out_dir, int threads, bool progress);

/// Trains several models that differ only in their seeds together (models/mlp_group_trainer.h)
/// and writes each one's run directory as train_classifier_run would: the same files, the same
/// weights bit for bit; train_seconds is the group's time shared equally.
std::vector<core::Json> train_classifier_runs(const std::vector<ClassifierRunConfig>& configs, const data::Task& task,
                                              const std::vector<std::filesystem::path>& out_dirs, int threads,
                                              bool progress);

struct ClassifierRun {
  ClassifierRunConfig config;
  models::Mlp model{nullptr};
  core::Json meta;
};

/// Loads a run directory; a path that is not a classifier run is a UsageError naming --model,
/// a missing file, corrupt weights or an architecture that does not match meta.json a
/// core::Error naming the file.
ClassifierRun load_classifier_run(const std::filesystem::path& dir);

/// Trains and returns the model without writing anything (benchmarks, tests).
models::Mlp train_classifier(const ClassifierRunConfig& config, const data::Task& task, bool progress,
                             std::vector<core::Json>* history = nullptr);
/// Trains models that differ only in their seeds together, as train_classifier_runs, writing nothing.
std::vector<models::Mlp> train_classifiers(const std::vector<ClassifierRunConfig>& configs, const data::Task& task,
                                           bool progress);

}  // namespace netprobe::experiments
