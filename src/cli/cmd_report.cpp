#include "cli/cmd_report.h"

#include <iostream>

#include "report/report.h"

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd =
      app.add_subcommand("report", "Draw the figures of a study (and its index.html) or of an RNN run directory");
  auto c = std::make_shared<report::ReportConfig>();
  cmd->add_option("results_dir", c->dir, "Directory written by netprobe study, compress or rnn ...")->required();
  auto linear = std::make_shared<bool>(false);
  cmd->add_flag("--linear-p", *linear,
                "Study pruning figures against p from 0 to 1 (default: the kept fraction 1 - p on a log axis, so "
                "0.9 .. 0.999 is visible)");
  cmd->add_option("--figure-scale", c->options.figure_scale,
                  "PNG size, fonts and lines as a multiple of the SVG (3: about 1400 px per panel, for print)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 8.0));
  cmd->parse_complete_callback([c, linear] { c->options.log_pruning_axis = !*linear; });
  return {cmd, [c, &global] { std::cout << report::format_report(*c, report::run_report(*c, global.context())); }};
}

}  // namespace netprobe::cli
