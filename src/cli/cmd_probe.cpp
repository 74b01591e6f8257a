#include "src/cli/cmd_probe.h"

#include "src/experiments/classifier_probe.h"

namespace netprobe::cli {

Command setup_probe(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("probe", "Run one probe sweep on a saved model");
  auto o = std::make_shared<experiments::ClassifierProbeConfig>();
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
            std::cout << experiments::format_probe_table(experiments::run_classifier_probe(*o));
          }};
}

}  // namespace netprobe::cli
