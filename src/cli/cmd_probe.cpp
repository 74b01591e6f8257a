#include "cli/cmd_probe.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/model_source_options.h"
#include "experiments/classifier_probe.h"
#include "probes/registry.h"

namespace netprobe::cli {
namespace {

/// Every probe with its variants, for --help.
std::string probe_list() {
  std::string out = "Probes and variants (the first is the default):";
  for (const probes::ProbeDefinition* probe : probes::registered_probes()) {
    out += fmt::format("\n  {:<14} {}{}; {}", probe->name, fmt::join(probe->variants, ", "),
                       probe->level_free() ? "" : "; level " + probe->level.symbol, probe->description);
  }
  return out;
}

std::vector<std::string> probe_names() {
  std::vector<std::string> names;
  for (const probes::ProbeDefinition* probe : probes::registered_probes()) names.push_back(probe->name);
  return names;
}

}  // namespace

Command setup_probe(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("probe", "Run one probe sweep on a saved model or a TorchScript model");
  cmd->footer(probe_list());
  auto o = std::make_shared<experiments::ClassifierProbeConfig>();
  add_model_source_options(cmd, o->source);
  cmd->add_option("--probe", o->probe, fmt::format("{} (see below)", fmt::join(probe_names(), ", ")))->required();
  cmd->add_option("--variant", o->variant, "Variant or control (default: the probe's first)");
  cmd->add_option("--levels", o->levels, "Levels, comma-separated (default: the protocol grid)")->delimiter(',');
  cmd->add_flag("--signed", o->with_signed, "Also evaluate sign() of each probed network");
  cmd->add_option("--scope", o->scope, "all, or one layer (fc1, features.0, ...)")->capture_default_str();
  cmd->add_flag("--layer-profile", o->layer_profile, "Also sweep each layer alone, the others intact");
  cmd->add_option("--draws", o->draws, "Draws per level for stochastic probes")->capture_default_str();
  cmd->add_option("--out", o->out, "Write every row to this CSV file");
  return {cmd, [o, &global] {
            apply_global_to_source(global, o->source);
            std::cout << experiments::format_probe_table(experiments::run_classifier_probe(*o));
          }};
}

}  // namespace netprobe::cli
