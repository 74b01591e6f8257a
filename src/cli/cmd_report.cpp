#include "src/cli/cmd_report.h"

#include <fmt/format.h>

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& /*global*/) {
  CLI::App* cmd =
      app.add_subcommand("report", "Draw the figures of a study (and its index.html) or of an RNN run directory");
  auto dir = std::make_shared<std::filesystem::path>();
  cmd->add_option("results_dir", *dir, "Directory written by netprobe study or netprobe rnn ...")->required();
  return {cmd, [dir] {
            const auto s = report::write_report(*dir);
            const auto where = s.index.empty() ? (*dir / "figures") : s.index;
            std::cout << fmt::format("{}: {} figures ({} drawn)\n", where.string(), s.figures,
                                     s.render.rendered.size());
          }};
}

}  // namespace netprobe::cli
