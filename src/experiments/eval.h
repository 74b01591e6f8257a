#pragma once
/// `netprobe eval`: re-evaluate a saved classifier on its task's test set, overall and per class.
///
///   EvalResult r = run_eval({"runs/7v9"}, ctx);   // r.per_class[1].accuracy
#include <filesystem>
#include <string>
#include <vector>

#include "core/json_io.h"
#include "core/run_context.h"
#include "train/classification.h"

namespace netprobe::experiments {

struct EvalConfig {
  std::filesystem::path model;  ///< a `netprobe train` run directory
};

struct ClassAccuracy {
  int label = 0;     ///< the model's output index
  int class_id = 0;  ///< the dataset's class
  std::string name;  ///< the dataset's class name
  int64_t examples = 0;
  double accuracy = 0;  ///< percent of this class's test examples predicted as it
};

struct EvalResult {
  std::string task;
  train::ClassifierMetrics metrics;
  std::vector<ClassAccuracy> per_class;
  core::Json to_json() const;
};

/// Loads the run (UsageError for a path that is not one, core::Error naming a corrupt file) and
/// its task's test set.
EvalResult run_eval(const EvalConfig& config, const core::RunContext& context);

/// The accuracy and loss, then one line per class.
std::string format_eval(const EvalResult& result);

}  // namespace netprobe::experiments
