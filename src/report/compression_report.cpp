#include "report/compression_report.h"

#include <cmath>

#include <fmt/format.h>

#include "probes/noise.h"
#include "probes/prune.h"
#include "report/html.h"
#include "report/layer_curves.h"

namespace netprobe::report {
namespace {

std::string cell(double v, const char* spec) {
  return std::isnan(v) ? std::string("-") : fmt::format(fmt::runtime(spec), v);
}

}  // namespace

std::vector<Figure> compression_figures(const experiments::CompressResult& r) {
  return {
      layer_curves_figure("compress_prune_magnitude", "Magnitude pruning of one layer at a time (others intact)",
                          probes::prune_probe().level.axis_label, r.rows, r.layers,
                          {probes::prune_probe(), "magnitude"}, r.max_drop),
      layer_curves_figure("compress_prune_random", "Random pruning of one layer at a time (control, mean over draws)",
                          probes::prune_probe().level.axis_label, r.rows, r.layers, {probes::prune_probe(), "random"},
                          r.max_drop),
      layer_curves_figure("compress_noise", "Uniform noise U(-a, a) on one layer at a time", "a / σ(w) of the layer",
                          r.rows, r.layers, {probes::noise_probe(), "uniform", true}, r.max_drop),
  };
}

std::string compression_table_html(const std::vector<probes::LayerCompression>& layers) {
  std::string h;
  h += "<table>\n<tr><th>layer</th><th>entries</th><th>prune p (magnitude)</th><th>realized sparsity</th>"
       "<th>prune p (random)</th><th>noise a</th><th>a / &sigma;<sub>w</sub></th><th>binarized %</th>"
       "<th>survives binarization</th><th>shuffled (B) %</th><th>&Delta;<sub>bin</sub></th>"
       "<th>&Delta;<sub>shuf</sub></th></tr>\n";
  for (const auto& c : layers) {
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(c.layer), c.entries, cell(c.max_prune_magnitude, "{:.3g}"), cell(c.sparsity_magnitude, "{:.3f}"),
        cell(c.max_prune_random, "{:.3g}"), cell(c.max_noise, "{:.3g}"), cell(c.max_noise_sigma, "{:.3g}"),
        cell(c.binarized_accuracy, "{:.2f}"),
        std::isnan(c.binarized_accuracy) ? "-" : (c.binarize_survives ? "yes" : "no"),
        cell(c.shuffled_accuracy, "{:.2f}"), cell(c.delta_bin, "{:.2f}"), cell(c.delta_shuf, "{:.2f}"));
  }
  return h + "</table>\n";
}

std::string compression_html(const experiments::CompressResult& r, const std::vector<Figure>& figures,
                             const RenderResult& render) {
  std::string h = page_start("netprobe compression report");
  h += fmt::format(
      "<h1>netprobe compression report</h1>\n<p>Model kind {}, test set {}, {} classes, draws seeded from {}. "
      "A layer's answer is the largest level up to which every level of the grid keeps the accuracy within {} "
      "of the intact model; only that layer is perturbed.</p>\n",
      html_escape(r.model_kind), html_escape(r.task), r.classes, r.seed, probes::points_text(r.max_drop));
  h += compression_table_html(r.layers);
  h += fmt::format(
      "<p><small>Intact accuracy {:.2f}%. Sparsity is the realized fraction of zeros at the safe level "
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
