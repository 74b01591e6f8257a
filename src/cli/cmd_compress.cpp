#include "cli/cmd_compress.h"

#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/model_source_options.h"
#include "cli/option_binding.h"
#include "experiments/compress.h"
#include "report/report.h"

namespace netprobe::cli {

Command setup_compress(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "compress", "Per layer: the largest pruning and noise levels within --max-drop points, binarization, Δ");
  auto c = std::make_shared<experiments::CompressConfig>();
  add_model_source_options(cmd, c->source);
  cmd->add_option("--metric", c->source.metric, "What is compared: accuracy, top5, macro_f1 or loss")
      ->capture_default_str();
  cmd->add_option("--max-drop", c->max_drop,
                  "The allowed drop from the intact model, in the metric's units (points; for loss its own)")
      ->capture_default_str();
  cmd->add_option("--draws", c->draws, "Draws of random pruning, noise and shuffle")->capture_default_str();
  cmd->add_option("--first-round", c->first_round,
                  "Draws of a random level that decide alone when they are clearly safe or clearly failed")
      ->capture_default_str();
  cmd->add_option("--first-look", c->first_look,
                  "Test examples a level is first judged on (a fixed random sample; then 4x as many, up to all), "
                  "decided there only when the whole test set's verdict is settled; 0: always all")
      ->capture_default_str();
  cmd->add_option("--probes", c->probes,
                  "Compression probes: magnitude, random, noise, binarize, shuffle (the default), structured (L1 "
                  "filters), structured-l2, global (one ranking over all layers), heads (attention)")
      ->delimiter(',');
  cmd->add_option("--levels", c->levels, "Pruning levels p of every pruning probe (default: the protocol grid)")
      ->delimiter(',');
  cmd->add_flag("--exhaustive", c->exhaustive,
                "Every level and draw, for full curves (the answers are the same; by default a sweep stops at its "
                "answer)");
  cmd->add_flag("--plan", c->plan,
                "Apply every layer's safe magnitude pruning at once, back off until the joint model is within "
                "--max-drop, write pruned.pt and masks.pt");
  cmd->add_option("--out", c->out,
                  "Results directory (results.csv, compression.json, figures, index.html; layers/ lets a killed run "
                  "resume)");
  add_shard_options(cmd, c->shard, c->shard_count, c->merge, "layers", "Answers, plan and report");
  auto no_report = std::make_shared<bool>(false);
  cmd->add_flag("--no-report", *no_report, "Skip figures and index.html");
  return {cmd, [c, no_report, &global] {
            if (c->out.empty()) spdlog::warn("compress: no --out, so nothing is written (the table only)");
            const experiments::CompressResult result = experiments::run_compress(*c, global.context());
            std::cout << experiments::format_compress(result);
            if (!c->out.empty() && !*no_report && result.shard.empty()) {  // a shard's layers: the merge reports
              const report::ReportSummary summary = report::write_report(c->out);
              std::cout << fmt::format("report: {} ({} figures)\n", (c->out / "index.html").string(), summary.figures);
            }
          }};
}

}  // namespace netprobe::cli
