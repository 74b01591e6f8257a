#include "src/report/compression_report.h"

#include <cmath>

#include <fmt/format.h>

#include "probes/row_groups.h"
#include "src/report/html.h"
#include "src/report/line_figure.h"

namespace netprobe::report {
namespace {

std::string cell(double v, const char* spec) {
  return std::isnan(v) ? std::string("-") : fmt::format(fmt::runtime(spec), v);
}

/// A horizontal line across [x0, x1].
Series level_line(const std::string& label, double y, double x0, double x1, int dash) {
  return {label, {x0, x1}, {y, y}, "lines", 8, dash};
}

/// Median accuracy per level of one probe in each scope; x scaled per scope by `x_scale`.
std::vector<Series> per_layer_series(const experiments::CompressionResult& r, const std::string& probe,
                                     const std::string& variant, bool divide_by_sigma) {
  std::vector<Series> out;
  int color = 1;
  for (const auto& layer : r.layers) {
    const auto curve = probes::seed_curve(r.rows, {probe, variant, "full", layer.layer});
    if (curve.empty()) continue;
    Series s{layer.layer, {}, {}, "linespoints"};
    const double scale = divide_by_sigma ? layer.sigma_w : 1.0;
    if (!(scale > 0)) continue;
    for (const auto& p : curve) {
      s.x.push_back(p.level / scale);
      s.y.push_back(p.accuracy.median);
    }
    const bool whole = layer.layer == "all";
    s.color = whole ? 8 : color++;  // gnuplot's linetype 8 is black
    s.dash = whole ? 2 : 1;
    out.push_back(std::move(s));
  }
  return out;
}

Figure curves_figure(const experiments::CompressionResult& r, const std::string& name, const std::string& title,
                     const std::string& xlabel, std::vector<Series> series, const Axes& axes) {
  double x0 = INFINITY, x1 = -INFINITY;
  for (const auto& s : series) {
    for (double x : s.x) {
      if (axes.log_x && !(x > 0)) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
    }
  }
  if (!r.layers.empty() && std::isfinite(x0)) {
    const double full = r.layers.front().full_accuracy;
    series.push_back(level_line("intact", full, x0, x1, 1));
    series.push_back(level_line(fmt::format("intact - {} points", r.max_drop), full - r.max_drop, x0, x1, 3));
  }
  return line_figure(name, title, xlabel, "test accuracy (%)", axes, series);
}

}  // namespace

std::vector<Figure> compression_figures(const experiments::CompressionResult& r) {
  const Axes axes{.key = "outside right"};
  return {
      curves_figure(r, "compress_prune_magnitude", "Magnitude pruning of one layer at a time (others intact)",
                    "fraction pruned p", per_layer_series(r, "prune", "magnitude", false), axes),
      curves_figure(r, "compress_prune_random", "Random pruning of one layer at a time (control, mean over draws)",
                    "fraction pruned p", per_layer_series(r, "prune", "random", false), axes),
      curves_figure(r, "compress_noise", "Uniform noise U(-a, a) on one layer, a in units of that layer's weight std",
                    "a / σ(w) of the layer", per_layer_series(r, "noise", "uniform", true),
                    Axes{.log_x = true, .key = "outside right"}),
  };
}

std::string compression_html(const experiments::CompressionResult& r, const std::vector<Figure>& figures,
                             const RenderResult& render) {
  std::string h = page_start("netprobe compression report");
  h += fmt::format(
      "<h1>netprobe compression report</h1>\n<p>Model kind {}, test set {}, {} classes, draws seeded from {}. "
      "A layer's answer is the largest level up to which every level of the grid keeps the accuracy within {} "
      "points of the intact model; only that layer is perturbed.</p>\n",
      html_escape(r.model_kind), html_escape(r.task), r.classes, r.seed, r.max_drop);
  h += "<table>\n<tr><th>layer</th><th>entries</th><th>prune p (magnitude)</th><th>realized sparsity</th>"
       "<th>prune p (random)</th><th>noise a</th><th>a / &sigma;<sub>w</sub></th><th>binarized %</th>"
       "<th>survives binarization</th><th>shuffled (B) %</th><th>&Delta;<sub>bin</sub></th>"
       "<th>&Delta;<sub>shuf</sub></th></tr>\n";
  for (const auto& c : r.layers) {
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(c.layer), c.entries, cell(c.max_prune_magnitude, "{:.3g}"), cell(c.sparsity_magnitude, "{:.3f}"),
        cell(c.max_prune_random, "{:.3g}"), cell(c.max_noise, "{:.3g}"), cell(c.max_noise_sigma, "{:.3g}"),
        cell(c.binarized_accuracy, "{:.2f}"),
        std::isnan(c.binarized_accuracy) ? "-" : (c.binarize_survives ? "yes" : "no"),
        cell(c.shuffled_accuracy, "{:.2f}"), cell(c.delta_bin, "{:.2f}"), cell(c.delta_shuf, "{:.2f}"));
  }
  h += fmt::format(
      "</table>\n<p><small>Intact accuracy {:.2f}%. Sparsity is the realized fraction of zeros at the safe level "
      "(masking zeros; a dense model file does not shrink). &Delta; = flip50(intact) &minus; flip50(probed) in "
      "accuracy points; \"-\": the probe was not run or its first level already drops further.</small></p>\n",
      r.layers.empty() ? NAN : r.layers.front().full_accuracy);
  h += "<p>In each figure, where a layer's curve leaves the dotted line (intact accuracy minus the allowed drop) is "
       "that layer's largest safe level; the gap between magnitude and random pruning is what the magnitudes "
       "carry. Noise levels are in units of each layer's weight standard deviation.</p>\n";
  h += figures_section(figures, render, "figures");
  h += "<h2>Files</h2>\n<ul><li><a href=\"results.csv\">results.csv</a> (every evaluation, long format)</li>"
       "<li><a href=\"compression.json\">compression.json</a></li><li><a href=\"meta.json\">meta.json</a></li></ul>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace netprobe::report
