#pragma once
/// `netprobe train`: train one classifier with the PROBES.md protocol and write its run
/// directory (experiments/classifier_run.h).
///
///   TrainConfig c;  c.run.task.dataset = "mnist";  c.classes = "7,9";  c.out = "runs/7v9";
///   TrainResult r = run_train(c, ctx);   // r.meta["final"]["test_acc"]
#include <filesystem>
#include <string>

#include "core/run_context.h"
#include "experiments/classifier_run.h"

namespace netprobe::experiments {

struct TrainConfig {
  ClassifierRunConfig run;  ///< run.task.dataset names the dataset; its classes come from `classes`
  std::string classes;      ///< "7,9", "3-1" or "all"; the first named is label 0
  std::filesystem::path out;
  /// UsageError naming --classes, --dataset or the option of an invalid training value.
  void validate() const;
  /// `run` with the task's classes parsed (and the seed of `context`, else 0).
  ClassifierRunConfig resolved(const core::RunContext& context) const;
};

struct TrainResult {
  core::Json meta;  ///< the run's meta.json
};

/// Guards --out before loading any data, trains, and writes the run directory atomically.
TrainResult run_train(const TrainConfig& config, const core::RunContext& context);

/// "mnist-7v9: train 99.10%  test 98.62%  (3.21s)  -> runs/7v9"
std::string format_train(const TrainResult& result, const std::filesystem::path& out);

}  // namespace netprobe::experiments
