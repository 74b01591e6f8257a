#include "probes/compression.h"

#include <cmath>

#include <fmt/format.h>

#include "core/text.h"
#include "probes/binarize.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/shuffle.h"

namespace netprobe::probes {
namespace {

/// Mean realized sparsity (zeros / entries) of the selected rows at one level.
double sparsity_at(const std::vector<SweepRow>& rows, const RowSelection& selection, double level) {
  double sum = 0;
  int n = 0;
  for (const auto& r : rows) {
    if (!selection.matches(r) || r.level != level || r.report.total == 0) continue;
    sum += static_cast<double>(r.report.zeros) / static_cast<double>(r.report.total);
    ++n;
  }
  return n == 0 ? kUndefined : sum / n;
}

int64_t entries_of(const std::vector<SweepRow>& rows, const Scope& scope) {
  for (const auto& r : rows) {
    if (r.scope == scope && !r.probe.is_intact() && r.report.total > 0) return r.report.total;
  }
  return 0;
}

}  // namespace

double largest_level_within(const std::vector<CurvePoint>& curve, double floor) {
  double largest = kUndefined;
  for (const auto& point : curve) {  // levels ascending (a std::map's order)
    if (!(point.value.median >= floor)) break;
    largest = point.level;
  }
  return largest;
}

std::vector<LayerCompression> compress_by_layer(const std::vector<SweepRow>& rows, const std::vector<Scope>& scopes,
                                                const std::map<std::string, double>& sigma_w, int classes,
                                                double max_drop) {
  const std::vector<CurvePoint> intact = seed_curve(rows, RowSelection::intact());
  const double full = intact.empty() ? kUndefined : intact.front().value.median;
  const double full50 = median_flip50(rows, RowSelection::intact(), classes);
  const double floor = full - max_drop;
  std::vector<LayerCompression> out;
  for (const auto& scope : scopes) {
    LayerCompression c;
    c.layer = scope.label();
    c.entries = entries_of(rows, scope);
    const auto sigma = sigma_w.find(scope.label());
    if (sigma != sigma_w.end()) c.sigma_w = sigma->second;
    c.full_accuracy = full;
    const RowSelection magnitude{prune_probe(), "magnitude", Mode::kFull, scope};
    c.max_prune_magnitude = largest_level_within(seed_curve(rows, magnitude), floor);
    if (!std::isnan(c.max_prune_magnitude)) c.sparsity_magnitude = sparsity_at(rows, magnitude, c.max_prune_magnitude);
    c.max_prune_random = largest_level_within(seed_curve(rows, {prune_probe(), "random", Mode::kFull, scope}), floor);
    c.max_noise = largest_level_within(seed_curve(rows, {noise_probe(), "uniform", Mode::kFull, scope}), floor);
    if (c.sigma_w > 0) c.max_noise_sigma = c.max_noise / c.sigma_w;
    const RowSelection binarize{binarize_probe(), "sign", Mode::kFull, scope};
    const auto binarized = seed_curve(rows, binarize);
    if (!binarized.empty()) {
      c.binarized_accuracy = binarized.front().value.median;
      c.binarize_survives = c.binarized_accuracy >= floor;
      c.delta_bin = full50 - median_flip50(rows, binarize, classes);
    }
    const RowSelection shuffle{shuffle_probe(), "B", Mode::kFull, scope};
    const auto shuffled = seed_curve(rows, shuffle);
    if (!shuffled.empty()) {
      c.shuffled_accuracy = shuffled.front().value.median;
      c.delta_shuf = full50 - median_flip50(rows, shuffle, classes);
    }
    out.push_back(c);
  }
  return out;
}

std::string points_text(double max_drop) { return fmt::format("{} point{}", max_drop, max_drop == 1 ? "" : "s"); }

core::Json compression_json(const std::vector<LayerCompression>& layers) {
  core::Json out = core::Json::array();
  for (const auto& l : layers) out.push_back(l);
  return out;
}

std::string format_compression_table(const std::vector<LayerCompression>& layers, double max_drop) {
  std::string out;
  if (!layers.empty()) {
    out += fmt::format("full accuracy {:.2f}%; largest level with accuracy within {} of it:\n",
                       layers.front().full_accuracy, points_text(max_drop));
  }
  core::TextTable table({"layer", "entries", "prune_p", "sparsity", "random_p", "noise_a", "a/σ(w)", "binarized",
                         "bin_ok", "Δ_bin", "Δ_shuf"});
  for (const auto& c : layers) {
    table.add({c.layer, std::to_string(c.entries), core::number_or_dash(c.max_prune_magnitude, "{:.3g}"),
               core::number_or_dash(c.sparsity_magnitude, "{:.3f}"), core::number_or_dash(c.max_prune_random, "{:.3g}"),
               core::number_or_dash(c.max_noise, "{:.3g}"), core::number_or_dash(c.max_noise_sigma, "{:.3g}"),
               core::number_or_dash(c.binarized_accuracy, "{:.2f}"),
               std::isnan(c.binarized_accuracy) ? "-" : (c.binarize_survives ? "yes" : "no"),
               core::number_or_dash(c.delta_bin, "{:.2f}"), core::number_or_dash(c.delta_shuf, "{:.2f}")});
  }
  return out + table.str();
}

}  // namespace netprobe::probes
