#include "cli/cmd_report.h"

#include <fmt/format.h>

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& /*global*/) {
  CLI::App* cmd =
      app.add_subcommand("report", "Draw the figures of a study (and its index.html) or of an RNN run directory");
  auto dir = std::make_shared<std::filesystem::path>();
  cmd->add_option("results_dir", *dir, "Directory written by netprobe study, compress or rnn ...")->required();
  auto options = std::make_shared<report::ReportOptions>();
  cmd->add_flag("--log-p", options->log_pruning_axis,
                "Study pruning figures on a log (1 - p) axis, so 0.9 .. 0.999 is visible");
  return {cmd, [dir, options] {
            const auto s = report::write_report(*dir, *options);
            const auto where = s.index.empty() ? (*dir / "figures") : s.index;
            std::cout << fmt::format("{}: {} figures ({} drawn)\n", where.string(), s.figures,
                                     s.render.rendered.size());
          }};
}

}  // namespace netprobe::cli
