#include "src/report/report.h"

#include "src/core/atomic_file.h"
#include "src/report/figures.h"
#include "src/report/html.h"

namespace netprobe::report {

ReportSummary write_report(const std::filesystem::path& results_dir) {
  const StudyData data = load_study(results_dir);
  const std::vector<Figure> figures = build_figures(data);
  ReportSummary summary;
  summary.figures = static_cast<int>(figures.size());
  summary.render = render_figures(results_dir / "figures", figures);
  summary.index = results_dir / "index.html";
  core::write_file_atomic(summary.index, render_html(data, figures, summary.render, "figures"));
  return summary;
}

}  // namespace netprobe::report
