#pragma once
/// `netprobe train`: train one classifier with the PROBES.md protocol and write a run directory.
#include <filesystem>
#include <optional>
#include <string>

#include "cli/global_options.h"
#include "experiments/classifier_run.h"

namespace netprobe::cli {

struct TrainOptions {
  experiments::ClassifierRunConfig run;
  std::filesystem::path out;
  std::optional<std::filesystem::path> data_dir;
  int threads = 1;
  bool progress = true;
};

Command setup_train(CLI::App& app, const GlobalOptions& global);
/// Returns the run's meta.json content.
core::Json run_train(const TrainOptions& options);

}  // namespace netprobe::cli
