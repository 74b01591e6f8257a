#include "src/cli/cmd_probe.h"

#include <map>

#include <fmt/format.h>

#include "models/mlp_batched.h"
#include "probes/catalog.h"
#include "probes/row_groups.h"
#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/experiments/classifier_run.h"

namespace netprobe::cli {

Command setup_probe(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("probe", "Run one probe sweep on a saved model");
  auto o = std::make_shared<ProbeOptions>();
  cmd->add_option("--model", o->model, "Run directory written by netprobe train")->required();
  cmd->add_option("--probe", o->probe, "prune, binarize, noise, flip, shuffle or prune-shuffle")->required();
  cmd->add_option("--variant", o->variant, "Variant or control (default: the probe's first)");
  cmd->add_option("--levels", o->levels, "Levels, comma-separated (default: the protocol grid)")->delimiter(',');
  cmd->add_flag("--signed", o->with_signed, "Also evaluate sign() of each probed network");
  cmd->add_option("--scope", o->scope, "all, or one layer (fc1, fc2, ...)")->capture_default_str();
  cmd->add_option("--draws", o->draws, "Draws per level for stochastic probes")->capture_default_str();
  cmd->add_option("--out", o->out, "Write every row to this CSV file");
  return {cmd, [o, &global] {
            o->data_dir = global.data_dir;
            std::cout << format_probe_table(run_probe(*o));
          }};
}

std::vector<probes::SweepRow> run_probe(const ProbeOptions& o) {
  const probes::ProbeInfo& info = probes::probe_info(o.probe);
  probes::SweepSpec spec;
  spec.probe = o.probe;
  spec.variant = o.variant.empty() ? info.variants.front() : o.variant;
  spec.levels = o.levels.empty() ? probes::default_levels(o.probe) : o.levels;
  spec.signed_ = o.with_signed;
  spec.draws = o.draws;
  spec.scope = probes::Scope{o.scope == "all" ? "" : o.scope};
  if (o.draws < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", o.draws));
  probes::make_probe(spec.probe, spec.variant);  // unknown variant: usage error before any work
  probes::validate_levels(spec.probe, spec.levels);

  const experiments::ClassifierRun run = experiments::load_classifier_run(o.model);
  const core::NamedTensors params = core::parameters_of(*run.model);
  bool scope_found = spec.scope.layer.empty();
  for (const auto& [name, t] : params) scope_found = scope_found || spec.scope.selects(name);
  if (!scope_found) throw core::UsageError(fmt::format("--scope: the model has no layer '{}'", o.scope));

  const data::Task task = data::load_task(run.config.task, o.data_dir);
  const models::MlpBatchEvaluator evaluator(run.config.mlp_options(task.test_x.size(1)), task.test_x, task.test_y);
  const auto rows = probes::run_sweeps(
      params, {spec}, [&](const std::vector<core::NamedTensors>& v) { return evaluator.evaluate(v); },
      {task.spec.id(), run.config.seed});
  if (o.out) core::write_file_atomic(*o.out, probes::rows_to_csv(rows));
  return rows;
}

std::string format_probe_table(const std::vector<probes::SweepRow>& rows) {
  std::string out;
  const probes::SweepRow* probed = nullptr;
  for (const auto& r : rows) {
    if (r.probe == "none") out += fmt::format("{}: unperturbed test accuracy {:.2f}%\n", r.task, r.accuracy);
    if (r.probe != "none" && probed == nullptr) probed = &r;
  }
  out += fmt::format("{:>10} {:>10} {:>10} {:>6}\n", "level", "full %", "signed %", "draws");
  if (probed == nullptr) return out;
  // level -> mode -> every draw's accuracy
  std::map<double, std::map<std::string, std::vector<double>>> table;
  for (const char* mode : {"full", "signed"}) {
    const probes::RowSelection selection{probed->probe, probed->variant, mode, probed->scope};
    for (const auto& [level, seeds] : probes::group_rows(rows, selection)) {
      for (const auto& [seed, values] : seeds) table[level][mode] = values;
    }
  }
  for (const auto& [level, modes] : table) {
    const auto mean = [&](const std::string& m) {
      const auto it = modes.find(m);
      return it == modes.end() ? std::string("-") : fmt::format("{:.2f}", probes::mean_of(it->second));
    };
    out += fmt::format("{:>10.4g} {:>10} {:>10} {:>6}\n", level, mean("full"), mean("signed"),
                       modes.begin()->second.size());
  }
  return out;
}

}  // namespace netprobe::cli
