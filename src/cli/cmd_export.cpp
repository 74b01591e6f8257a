#include "cli/cmd_export.h"

#include <iostream>

#include "experiments/export.h"

namespace netprobe::cli {

Command setup_export(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("export", "Save a trained netprobe MLP as a TorchScript file");
  auto c = std::make_shared<experiments::ExportConfig>();
  cmd->add_option("--model", c->model, "Run directory written by netprobe train")->required();
  cmd->add_option("--out", c->out, "TorchScript file to write (loads in Python with torch.jit.load)")->required();
  return {cmd,
          [c, &global] { std::cout << experiments::format_export(*c, experiments::run_export(*c, global.context())); }};
}

}  // namespace netprobe::cli
