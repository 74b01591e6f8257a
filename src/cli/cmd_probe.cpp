#include "cli/cmd_probe.h"

#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/model_source_options.h"
#include "experiments/probe.h"
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
  auto c = std::make_shared<experiments::ProbeConfig>();
  add_model_source_options(cmd, c->source);
  cmd->add_option("--probe", c->probe, fmt::format("{} (see below)", fmt::join(probe_names(), ", ")))->required();
  cmd->add_option("--variant", c->variant, "Variant or control (default: the probe's first)");
  cmd->add_option("--levels", c->levels, "Levels, comma-separated (default: the protocol grid)")->delimiter(',');
  cmd->add_flag("--signed", c->with_signed, "Also evaluate sign() of each probed network");
  cmd->add_option("--scope", c->scope, "all, or one layer (fc1, features.0, ...)")->capture_default_str();
  cmd->add_flag("--layer-profile", c->layer_profile, "Also sweep each layer alone, the others intact");
  cmd->add_option("--draws", c->draws, "Draws per level for stochastic probes")->capture_default_str();
  cmd->add_option("--out", c->out, "Write every row to this CSV file");
  return {cmd,
          [c, &global] { std::cout << experiments::format_probe_table(experiments::run_probe(*c, global.context())); }};
}

}  // namespace netprobe::cli
