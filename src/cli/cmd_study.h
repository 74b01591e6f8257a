#pragma once
/// `netprobe study`: the main job (see experiments/study.h).
#include <optional>
#include <string>

#include "cli/global_options.h"
#include "experiments/study.h"
#include "experiments/study_tasks.h"

namespace netprobe::cli {

struct StudyOptions {
  experiments::TaskSelection tasks;  ///< empty selection = PROBES.md's four default tasks
  int seeds = 10;
  uint64_t first_seed = 0;  ///< the global --seed: models get seeds first_seed .. first_seed + seeds - 1
  std::string format = "table";
  std::string shard;               ///< --shard k/n; empty: from SLURM_ARRAY_TASK_ID when set
  std::optional<int> shard_count;  ///< --shard-count: n for SLURM_ARRAY_TASK_ID
  experiments::StudyConfig config;
};

Command setup_study(CLI::App& app, const GlobalOptions& global);
/// Runs the study, then its report (a shard: its models only, no report).
experiments::StudyResult run_study_command(StudyOptions options);

}  // namespace netprobe::cli
