#include "src/cli/cmd_study.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/core/errors.h"
#include "src/report/report.h"

namespace netprobe::cli {
namespace {

const std::vector<data::TaskSpec>& default_tasks() {
  static const std::vector<data::TaskSpec> tasks = {
      {"mnist", {0, 7}}, {"mnist", {7, 9}}, {"fashion-mnist", {3, 2}}, {"fashion-mnist", {3, 1}}};
  return tasks;
}

}  // namespace

std::vector<data::TaskSpec> select_tasks(const StudyOptions& o) {
  const bool any = !o.pairs.empty() || o.all_pairs || !o.class_sets.empty();
  if (!any) {
    std::vector<data::TaskSpec> out;
    for (const auto& t : default_tasks()) {
      if (o.datasets.empty() || std::find(o.datasets.begin(), o.datasets.end(), t.dataset) != o.datasets.end()) {
        out.push_back(t);
      }
    }
    if (out.empty()) {
      for (const auto& d : o.datasets) data::dataset_info(d);  // unknown dataset -> usage error
    }
    return out;
  }
  // Pairs and class sets apply to every selected dataset (MNIST when none is named).
  const std::vector<std::string> datasets = o.datasets.empty() ? std::vector<std::string>{"mnist"} : o.datasets;
  std::vector<data::TaskSpec> out;
  const auto add = [&](const data::TaskSpec& t) {
    data::validate_task(t);
    for (const auto& existing : out) {
      if (existing.id() == t.id()) return;
    }
    out.push_back(t);
  };
  for (const auto& d : datasets) {
    const auto& info = data::dataset_info(d);
    const int k = static_cast<int>(info.class_names.size());
    if (o.all_pairs) {
      for (int a = 0; a < k; ++a)
        for (int b = a + 1; b < k; ++b) add({d, {a, b}});
    }
    for (const auto& cs : o.class_sets) add({d, data::parse_classes(cs, info)});
  }
  for (const auto& pair : o.pairs) {
    const auto colon = pair.find(':');
    if (colon != std::string::npos) {
      const std::string d = pair.substr(0, colon);
      add({d, data::parse_classes(pair.substr(colon + 1), data::dataset_info(d))});
    } else {
      for (const auto& d : datasets) add({d, data::parse_classes(pair, data::dataset_info(d))});
    }
  }
  return out;
}

Command setup_study(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("study", "The main job: train, probe and score tasks over many seeds");
  auto o = std::make_shared<StudyOptions>();
  auto raw_activation = std::make_shared<std::string>("relu");
  cmd->add_option("--datasets", o->datasets, "mnist,fashion-mnist (default: both)")->delimiter(',');
  cmd->add_option("--pairs", o->pairs, "Class pairs: 0-7,7-9 or fashion-mnist:3-2")->delimiter(',');
  cmd->add_flag("--all-pairs", o->all_pairs, "All 45 class pairs of each selected dataset");
  cmd->add_option("--classes", o->class_sets, "k-class tasks: 'all' or 0,1,2 (repeatable)");
  cmd->add_option("--seeds", o->seeds, "Models (seeds 0..N-1) per task")->capture_default_str();
  cmd->add_option("--probes", o->config.probes, "prune,binarize,noise,flip,shuffle,combined")->delimiter(',');
  cmd->add_option("--hidden", o->config.model.hidden, "Hidden layer sizes")->delimiter(',');
  cmd->add_option("--activation", *raw_activation, "relu, tanh or sigmoid")->capture_default_str();
  cmd->add_option("--epochs", o->config.model.epochs, "Training epochs")->capture_default_str();
  cmd->add_option("--draws", o->config.draws, "Draws per level of stochastic probes")->capture_default_str();
  cmd->add_flag("--layer-profile", o->config.layer_profile, "Also probe one layer at a time");
  cmd->add_option("--out", o->config.out, "Results directory")->capture_default_str();
  cmd->add_option("--format", o->format, "Summary on stdout: table or json")->capture_default_str();
  return {cmd, [o, raw_activation, &global] {
            o->config.model.activation = models::parse_activation(*raw_activation);
            o->config.data_dir = global.data_dir;
            o->config.workers = torch::get_num_threads();
            o->config.progress = !global.quiet;
            const auto result = run_study_command(*o);
            if (o->format == "json") {
              std::cout << result.to_json().dump(2) << "\n";
            } else {
              std::cout << probes::format_summary(result);
            }
          }};
}

probes::StudyResult run_study_command(StudyOptions o) {
  if (o.format != "table" && o.format != "json") {
    throw core::UsageError(fmt::format("--format: must be table or json, got '{}'", o.format));
  }
  if (o.seeds < 1) throw core::UsageError(fmt::format("--seeds: must be >= 1, got {}", o.seeds));
  o.config.tasks = select_tasks(o);
  o.config.seeds.clear();
  for (int s = 0; s < o.seeds; ++s) o.config.seeds.push_back(static_cast<uint64_t>(s));
  probes::StudyResult result = probes::run_study(o.config);
  const auto report = report::write_report(o.config.out);
  spdlog::info("report: {} ({} of {} figures drawn)", report.index.string(), report.render.rendered.size(), report.figures);
  return result;
}

}  // namespace netprobe::cli
