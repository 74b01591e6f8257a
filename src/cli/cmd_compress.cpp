#include "cli/cmd_compress.h"

#include <iostream>

#include <fmt/format.h>

#include "cli/model_source_options.h"
#include "experiments/compress.h"
#include "report/report.h"

namespace netprobe::cli {

Command setup_compress(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "compress", "Per layer: the largest pruning and noise levels within --max-drop points, binarization, Δ");
  auto c = std::make_shared<experiments::CompressConfig>();
  add_model_source_options(cmd, c->source);
  cmd->add_option("--max-drop", c->max_drop, "Accuracy points below the intact model that still count as surviving")
      ->capture_default_str();
  cmd->add_option("--draws", c->draws, "Draws of random pruning, noise and shuffle")->capture_default_str();
  cmd->add_option("--out", c->out, "Results directory (results.csv, compression.json, figures, index.html)");
  auto no_report = std::make_shared<bool>(false);
  cmd->add_flag("--no-report", *no_report, "Skip figures and index.html");
  return {cmd, [c, no_report, &global] {
            const experiments::CompressResult result = experiments::run_compress(*c, global.context());
            std::cout << probes::format_compression_table(result.layers, c->max_drop);
            if (!c->out.empty() && !*no_report) {
              const report::ReportSummary summary = report::write_report(c->out);
              std::cout << fmt::format("report: {} ({} figures)\n", (c->out / "index.html").string(), summary.figures);
            }
          }};
}

}  // namespace netprobe::cli
