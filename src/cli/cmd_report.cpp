#include "src/cli/cmd_report.h"

#include <fmt/format.h>

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& /*global*/) {
  CLI::App* cmd = app.add_subcommand("report", "Draw the figures and write index.html of a study");
  auto dir = std::make_shared<std::filesystem::path>();
  cmd->add_option("results_dir", *dir, "Results directory written by netprobe study")->required();
  return {cmd, [dir] {
            const auto s = report::write_report(*dir);
            std::cout << fmt::format("{}: {} figures ({} drawn)\n", s.index.string(), s.figures, s.render.rendered.size());
          }};
}

}  // namespace netprobe::cli
