#pragma once
/// `netprobe report RESULTS_DIR`: figures (SVG and PNG through gnuplot) and index.html.
#include <filesystem>

#include "src/report/plot.h"

namespace netprobe::report {

struct ReportSummary {
  std::filesystem::path index;  ///< the written index.html
  int figures = 0;              ///< figures built
  RenderResult render;
};

/// Builds every figure of the study in RESULTS_DIR/figures and writes RESULTS_DIR/index.html
/// atomically. core::Error if the directory is not a study's results directory.
ReportSummary write_report(const std::filesystem::path& results_dir);

}  // namespace netprobe::report
