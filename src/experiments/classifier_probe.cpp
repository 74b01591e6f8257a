#include "src/experiments/classifier_probe.h"

#include <map>

#include <fmt/format.h>

#include "models/mlp_batched.h"
#include "probes/catalog.h"
#include "probes/row_groups.h"
#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/experiments/classifier_run.h"

namespace netprobe::experiments {

probes::SweepSpec ClassifierProbeConfig::sweep() const {
  const probes::ProbeInfo& info = probes::probe_info(probe);
  probes::SweepSpec spec;
  spec.probe = probe;
  spec.variant = variant.empty() ? info.variants.front() : variant;
  spec.levels = levels.empty() ? probes::default_levels(probe) : levels;
  spec.signed_ = with_signed;
  spec.draws = draws;
  spec.scope = probes::Scope{scope == "all" ? "" : scope};
  return spec;
}

void ClassifierProbeConfig::validate() const {
  if (draws < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", draws));
  const probes::SweepSpec spec = sweep();        // unknown probe: usage error
  probes::make_probe(spec.probe, spec.variant);  // unknown variant: usage error before any work
  probes::validate_levels(spec.probe, spec.levels);
}

std::vector<probes::SweepRow> run_classifier_probe(const ClassifierProbeConfig& config) {
  config.validate();
  const probes::SweepSpec spec = config.sweep();
  const ClassifierRun run = load_classifier_run(config.model);
  const core::NamedTensors params = core::parameters_of(*run.model);
  bool scope_found = spec.scope.layer.empty();
  for (const auto& [name, t] : params) scope_found = scope_found || spec.scope.selects(name);
  if (!scope_found) throw core::UsageError(fmt::format("--scope: the model has no layer '{}'", config.scope));

  const data::Task task = data::load_task(run.config.task, config.data_dir);
  const models::MlpBatchEvaluator evaluator(run.config.mlp_options(task.test_x.size(1)), task.test_x, task.test_y);
  const auto rows = probes::run_sweeps(params, {spec},
                                       [&](const std::vector<core::NamedTensors>& v) { return evaluator.evaluate(v); },
                                       {task.spec.id(), run.config.seed});
  if (config.out) core::write_file_atomic(*config.out, probes::rows_to_csv(rows));
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
  // level -> mode -> every draw's accuracy (one model, so one seed)
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

}  // namespace netprobe::experiments
