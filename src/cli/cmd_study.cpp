#include "cli/cmd_study.h"

#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "cli/option_binding.h"
#include "experiments/study.h"
#include "report/report.h"

namespace netprobe::cli {

Command setup_study(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("study", "The main job: train, probe and score tasks over many seeds");
  auto c = std::make_shared<experiments::StudyConfig>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--datasets,--dataset", c->tasks.datasets, "mnist,fashion-mnist (default: both)")->delimiter(',');
  cmd->add_option("--pairs", c->tasks.pairs,
                  "Class pairs: 0-7,7-9, fashion-mnist:3-2 or task ids as printed (mnist-7v9)")
      ->delimiter(',');
  cmd->add_flag("--all-pairs", c->tasks.all_pairs, "All 45 class pairs of each selected dataset");
  cmd->add_option("--classes", c->tasks.class_sets, "k-class tasks: 'all' or 0,1,2 (repeatable)");
  add_choice<data::InputScale>(cmd, "--inputs", c->tasks.inputs, data::parse_input_scale, "each task's own",
                               "Every task's inputs: signed (x/255 - 0.5)/0.5 in [-1, 1] (PROBES.md) or unit x/255 "
                               "in [0, 1] (task ids then end in -unit)");
  cmd->add_option("--seeds", c->seeds, "Models per task, with seeds S..S+N-1 (S = --seed, default 0)")
      ->capture_default_str();
  cmd->add_option("--probes", c->probes, fmt::format("{}", fmt::join(probes::study_probe_names(), ",")))
      ->delimiter(',');
  cmd->add_option("--hidden", c->model.hidden, "Hidden layer sizes")->delimiter(',');
  add_choice<models::Activation>(cmd, "--activation", c->model.activation, models::parse_activation, models::to_string,
                                 "relu, tanh or sigmoid");
  cmd->add_option("--epochs", c->model.epochs, "Training epochs")->capture_default_str();
  cmd->add_option("--draws", c->draws, "Draws per level of stochastic probes")->capture_default_str();
  cmd->add_flag("--layer-profile", c->layer_profile,
                "Also probe one layer at a time, and answer per layer how far it can be pruned or noised");
  cmd->add_option("--max-drop", c->max_drop,
                  "Accuracy points below the intact model that still count as surviving (layer profile)")
      ->capture_default_str();
  cmd->add_option("--out", c->out, "Results directory")->capture_default_str();
  add_shard_options(cmd, c->shard, c->shard_count, c->merge, "models", "Scores and report");
  add_format_option(cmd, *format);
  return {cmd, [c, format, &global] {
            const experiments::StudyResult result = experiments::run_study(*c, global.context());
            if (result.shard.empty()) {  // a shard's models are reported by the merge
              const auto report = report::write_report(c->out);
              spdlog::info("report: {} ({} of {} figures drawn)", report.index.string(), report.render.rendered.size(),
                           report.figures);
            }
            std::cout << (*format == "json" ? result.to_json().dump(2) + "\n" : experiments::format_summary(result));
          }};
}

}  // namespace netprobe::cli
