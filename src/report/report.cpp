#include "report/report.h"

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "report/compression_report.h"
#include "report/docs_pages.h"
#include "report/figures.h"
#include "report/html.h"
#include "report/rnn/report.h"

namespace netprobe::report {
namespace {

std::string gnuplot_variables(const ReportOptions& options) {
  return fmt::format("logp={}; scale={}", options.log_pruning_axis ? 1 : 0, options.figure_scale);
}

ReportSummary write_study_report(const std::filesystem::path& results_dir, const ReportOptions& options) {
  const StudyData data = experiments::load_study_outputs(results_dir);
  const std::vector<Figure> figures = build_figures(data);
  ReportSummary summary;
  summary.figures = static_cast<int>(figures.size());
  summary.render = render_figures(results_dir / "figures", figures, gnuplot_variables(options));
  summary.index = results_dir / "index.html";
  write_doc_pages(results_dir);
  core::write_file_atomic(summary.index, render_html(data, figures, summary.render, "figures"));
  return summary;
}

ReportSummary write_compression_report(const std::filesystem::path& dir) {
  const experiments::CompressResult result = experiments::load_compress_result(dir);
  const std::vector<Figure> figures = compression_figures(result);
  ReportSummary summary;
  summary.figures = static_cast<int>(figures.size());
  summary.render = render_figures(dir / "figures", figures);
  summary.index = dir / "index.html";
  write_doc_pages(dir);
  core::write_file_atomic(summary.index, compression_html(result, figures, summary.render));
  return summary;
}

}  // namespace

ReportSummary write_report(const std::filesystem::path& results_dir, const ReportOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(results_dir, ec)) {
    throw core::Error(fmt::format("{}: not a directory", results_dir.string()));
  }
  const std::string kind = core::run_kind(results_dir);
  if (kind == core::kind::kStudy) return write_study_report(results_dir, options);
  if (kind == core::kind::kCompression) return write_compression_report(results_dir);
  if (kind.empty() || kind == core::kind::kClassifier) {
    throw core::Error(
        fmt::format("{}: not a study, compression or RNN results directory (nothing to report)", results_dir.string()));
  }
  const std::vector<Figure> figures = rnn_run_figures(results_dir, kind);
  ReportSummary summary;
  summary.figures = static_cast<int>(figures.size());
  std::filesystem::create_directories(results_dir / "figures");
  summary.render = render_figures(results_dir / "figures", figures);
  return summary;
}

ReportSummary run_report(const ReportConfig& config, const core::RunContext& /*context*/) {
  return write_report(config.dir, config.options);
}

std::string format_report(const ReportConfig& config, const ReportSummary& s) {
  const auto where = s.index.empty() ? (config.dir / "figures") : s.index;
  return fmt::format("{}: {} figures ({} drawn)\n", where.string(), s.figures, s.render.rendered.size());
}

}  // namespace netprobe::report
