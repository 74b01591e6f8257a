#pragma once
/// `netprobe study`: the main job (see probes/study.h).
#include "probes/study.h"
#include "src/cli/global_options.h"

namespace netprobe::cli {

struct StudyOptions {
  std::vector<std::string> datasets;  ///< empty = mnist and fashion-mnist
  std::vector<std::string> pairs;     ///< "0-7" (every selected dataset) or "fashion-mnist:3-2"
  bool all_pairs = false;
  std::vector<std::string> class_sets;  ///< k-class tasks, e.g. "all" or "0,1,2"
  int seeds = 10;
  std::string format = "table";
  probes::StudyConfig config;
};

/// The tasks the options select; PROBES.md's four default tasks when nothing is selected.
std::vector<data::TaskSpec> select_tasks(const StudyOptions& options);

Command setup_study(CLI::App& app, const GlobalOptions& global);
probes::StudyResult run_study_command(StudyOptions options);

}  // namespace netprobe::cli
