#pragma once
/// `netprobe eval`: re-evaluate a saved model on its task's test set.
#include <filesystem>
#include <optional>

#include "src/cli/global_options.h"
#include "src/train/classification.h"

namespace netprobe::cli {

struct EvalOptions {
  std::filesystem::path model;
  std::optional<std::filesystem::path> data_dir;
};

Command setup_eval(CLI::App& app, const GlobalOptions& global);
train::ClassifierMetrics run_eval(const EvalOptions& options);

}  // namespace netprobe::cli
