#include "cli/cmd_report.h"

#include <iostream>

#include "report/report.h"

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd =
      app.add_subcommand("report", "Draw the figures of a study (and its index.html) or of an RNN run directory");
  auto c = std::make_shared<report::ReportConfig>();
  cmd->add_option("results_dir", c->dir, "Directory written by netprobe study, compress or rnn ...")->required();
  cmd->add_flag("--log-p", c->options.log_pruning_axis,
                "Study pruning figures on a log (1 - p) axis, so 0.9 .. 0.999 is visible");
  return {cmd, [c, &global] { std::cout << report::format_report(*c, report::run_report(*c, global.context())); }};
}

}  // namespace netprobe::cli
