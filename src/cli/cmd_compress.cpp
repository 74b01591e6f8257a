#include "cli/cmd_compress.h"

#include <iostream>

#include <fmt/format.h>

#include "models/mlp_script.h"
#include "cli/model_source_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "experiments/classifier_run.h"
#include "experiments/compression_run.h"
#include "report/report.h"

namespace netprobe::cli {

Command setup_compress(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "compress", "Per layer: the largest pruning and noise levels within --max-drop points, binarization, Δ");
  auto o = std::make_shared<experiments::CompressionConfig>();
  add_model_source_options(cmd, o->source);
  cmd->add_option("--max-drop", o->max_drop, "Accuracy points below the intact model that still count as surviving")
      ->capture_default_str();
  cmd->add_option("--draws", o->draws, "Draws of random pruning, noise and shuffle")->capture_default_str();
  cmd->add_option("--out", o->out, "Results directory (results.csv, compression.json, figures, index.html)");
  auto no_report = std::make_shared<bool>(false);
  cmd->add_flag("--no-report", *no_report, "Skip figures and index.html");
  return {cmd, [o, no_report, &global] {
            apply_global_to_source(global, o->source);
            o->progress = !global.quiet;
            const experiments::CompressionResult result = experiments::run_compression(*o);
            std::cout << probes::format_compression_table(result.layers, o->max_drop);
            if (!o->out.empty() && !*no_report) {
              const report::ReportSummary summary = report::write_report(o->out);
              std::cout << fmt::format("report: {} ({} figures)\n", (o->out / "index.html").string(), summary.figures);
            }
          }};
}

Command setup_export(CLI::App& app, const GlobalOptions& /*global*/) {
  CLI::App* cmd = app.add_subcommand("export", "Save a trained netprobe MLP as a TorchScript file");
  auto model = std::make_shared<std::filesystem::path>();
  auto out = std::make_shared<std::filesystem::path>();
  cmd->add_option("--model", *model, "Run directory written by netprobe train")->required();
  cmd->add_option("--out", *out, "TorchScript file to write (loads in Python with torch.jit.load)")->required();
  return {
      cmd, [model, out] {
        const experiments::ClassifierRun run = experiments::load_classifier_run(*model);
        const torch::jit::Module module = models::script_mlp(*run.model);
        std::error_code ec;
        if (std::filesystem::is_directory(*out, ec)) {
          throw core::UsageError(fmt::format("--out: {} is a directory; name the .pt file to write", out->string()));
        }
        core::write_atomically(*out, [&](const std::filesystem::path& staged) { module.save(staged.string()); });
        std::cout << fmt::format("{}: TorchScript MLP {} -> {} classes\n", out->string(),
                                 run.model->options().input_size(), run.model->options().classes());
      }};
}

}  // namespace netprobe::cli
