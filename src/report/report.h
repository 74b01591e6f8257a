#pragma once
/// `netprobe report DIR`: the figures (SVG and PNG through gnuplot) of any netprobe results
/// directory, and for a study also index.html.
#include <filesystem>

#include "core/run_context.h"
#include "report/plot.h"

namespace netprobe::report {

struct ReportSummary {
  std::filesystem::path index;  ///< the written index.html (a study's; empty for RNN runs)
  int figures = 0;              ///< figures built
  RenderResult render;
};

struct ReportOptions {
  bool log_pruning_axis = true;  ///< pruning figures on a log (1 - p) axis (`report --linear-p`: p itself)
  double figure_scale = 3;       ///< PNG size and lines as a multiple of the SVG's (`report --figure-scale`)
};

/// `netprobe report DIR`.
struct ReportConfig {
  std::filesystem::path dir;
  ReportOptions options;
};

/// Builds every figure of the study or RNN run in DIR into DIR/figures, and for a study writes
/// DIR/index.html atomically. core::Error if DIR is not a netprobe results directory.
ReportSummary write_report(const std::filesystem::path& results_dir, const ReportOptions& options = {});

/// write_report of config.dir.
ReportSummary run_report(const ReportConfig& config, const core::RunContext& context);

/// "DIR/index.html: 12 figures (12 drawn)"
std::string format_report(const ReportConfig& config, const ReportSummary& summary);

}  // namespace netprobe::report
