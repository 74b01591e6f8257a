#include "cli/cmd_study.h"

#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/errors.h"
#include "report/report.h"

namespace netprobe::cli {

Command setup_study(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("study", "The main job: train, probe and score tasks over many seeds");
  auto o = std::make_shared<StudyOptions>();
  auto raw_activation = std::make_shared<std::string>("relu");
  cmd->add_option("--datasets,--dataset", o->tasks.datasets, "mnist,fashion-mnist (default: both)")->delimiter(',');
  cmd->add_option("--pairs", o->tasks.pairs,
                  "Class pairs: 0-7,7-9, fashion-mnist:3-2 or task ids as printed (mnist-7v9)")
      ->delimiter(',');
  cmd->add_flag("--all-pairs", o->tasks.all_pairs, "All 45 class pairs of each selected dataset");
  cmd->add_option("--classes", o->tasks.class_sets, "k-class tasks: 'all' or 0,1,2 (repeatable)");
  cmd->add_option("--seeds", o->seeds, "Models per task, with seeds S..S+N-1 (S = --seed, default 0)")
      ->capture_default_str();
  cmd->add_option("--probes", o->config.probes, fmt::format("{}", fmt::join(probes::study_probe_names(), ",")))
      ->delimiter(',');
  cmd->add_option("--hidden", o->config.model.hidden, "Hidden layer sizes")->delimiter(',');
  cmd->add_option("--activation", *raw_activation, "relu, tanh or sigmoid")->capture_default_str();
  cmd->add_option("--epochs", o->config.model.epochs, "Training epochs")->capture_default_str();
  cmd->add_option("--draws", o->config.draws, "Draws per level of stochastic probes")->capture_default_str();
  cmd->add_flag("--layer-profile", o->config.layer_profile,
                "Also probe one layer at a time, and answer per layer how far it can be pruned or noised");
  cmd->add_option("--max-drop", o->config.max_drop,
                  "Accuracy points below the intact model that still count as surviving (layer profile)")
      ->capture_default_str();
  cmd->add_option("--out", o->config.out, "Results directory")->capture_default_str();
  cmd->add_option("--shard", o->shard,
                  "k/n: train and probe only shard k (from 0) of n of the models into --out, for a job array; "
                  "default inside a SLURM array task: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT");
  cmd->add_option("--shard-count", o->shard_count,
                  "n for a SLURM array task's shard SLURM_ARRAY_TASK_ID (needed when re-running only some indices)");
  cmd->add_flag("--merge", o->config.merge,
                "Score and report the models the shards left in --out; fails naming any model that is missing");
  cmd->add_option("--format", o->format, "Summary on stdout: table or json")->capture_default_str();
  return {cmd, [o, raw_activation, &global] {
            o->config.model.activation = models::parse_activation(*raw_activation);
            o->config.data_dir = global.data_dir;
            o->first_seed = global.seed;
            o->config.workers = torch::get_num_threads();
            o->config.progress = !global.quiet;
            const auto result = run_study_command(*o);
            if (o->format == "json") {
              std::cout << result.to_json().dump(2) << "\n";
            } else {
              std::cout << experiments::format_summary(result);
            }
          }};
}

namespace {

// --shard, else a SLURM array task's index (not for a merge, which may run inside an array job).
std::optional<experiments::Shard> select_shard(const StudyOptions& o) {
  if (o.shard_count && *o.shard_count < 1) {
    throw core::UsageError(fmt::format("--shard-count: must be >= 1, got {}", *o.shard_count));
  }
  if (!o.shard.empty()) {
    const auto shard = experiments::parse_shard(o.shard);
    if (o.shard_count && *o.shard_count != shard.count) {
      throw core::UsageError(fmt::format("--shard-count: {} contradicts --shard {}", *o.shard_count, o.shard));
    }
    return shard;
  }
  if (o.config.merge) return std::nullopt;
  auto shard = experiments::shard_from_environment(std::getenv, o.shard_count);
  if (!shard && o.shard_count) {
    throw core::UsageError("--shard-count: only inside a SLURM array task (SLURM_ARRAY_TASK_ID); else use --shard k/n");
  }
  if (shard) spdlog::info("study: shard {} from SLURM_ARRAY_TASK_ID", shard->label());
  return shard;
}

}  // namespace

experiments::StudyResult run_study_command(StudyOptions o) {
  if (o.format != "table" && o.format != "json") {
    throw core::UsageError(fmt::format("--format: must be table or json, got '{}'", o.format));
  }
  if (o.seeds < 1) throw core::UsageError(fmt::format("--seeds: must be >= 1, got {}", o.seeds));
  o.config.shard = select_shard(o);
  o.config.tasks = experiments::select_tasks(o.tasks);
  o.config.seeds.clear();
  for (int s = 0; s < o.seeds; ++s) o.config.seeds.push_back(o.first_seed + static_cast<uint64_t>(s));
  experiments::StudyResult result = experiments::run_study(o.config);
  if (o.config.shard) return result;  // the merge reports
  const auto report = report::write_report(o.config.out);
  spdlog::info("report: {} ({} of {} figures drawn)", report.index.string(), report.render.rendered.size(),
               report.figures);
  return result;
}

}  // namespace netprobe::cli
