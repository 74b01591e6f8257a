#pragma once
/// `netprobe eval`: re-evaluate a saved model on its task's test set, overall and per class.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/global_options.h"
#include "core/json_io.h"
#include "train/classification.h"

namespace netprobe::cli {

struct EvalOptions {
  std::filesystem::path model;
  std::optional<std::filesystem::path> data_dir;
  std::string format = "table";  ///< table | json
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

Command setup_eval(CLI::App& app, const GlobalOptions& global);
EvalResult run_eval(const EvalOptions& options);
std::string format_eval(const EvalResult& result);

}  // namespace netprobe::cli
