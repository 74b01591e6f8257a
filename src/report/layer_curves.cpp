#include "report/layer_curves.h"

#include <cmath>

#include <fmt/format.h>

#include "probes/row_groups.h"
#include "report/line_figure.h"

namespace netprobe::report {
namespace {

constexpr int kBlack = 8;  // gnuplot's linetype 8

/// A horizontal line across [x0, x1].
Series level_line(const std::string& label, double y, double x0, double x1, int dash) {
  return {label, {x0, x1}, {y, y}, "lines", kBlack, dash};
}

}  // namespace

std::vector<CurveScope> curve_scopes(const std::vector<probes::LayerCompression>& layers) {
  std::vector<CurveScope> out;
  for (const auto& l : layers) out.push_back({l.layer, l.sigma_w});
  return out;
}

Figure layer_curves_figure(const std::string& name, const std::string& title, const std::string& xlabel,
                           const std::vector<probes::SweepRow>& rows, const std::vector<CurveScope>& scopes,
                           const LayerCurves& curves, double intact, double floor, const std::string& ylabel,
                           const std::string& floor_label) {
  std::vector<Series> series;
  int color = 1;
  double x0 = INFINITY, x1 = -INFINITY;
  for (const auto& scope : scopes) {
    const double scale = curves.per_sigma ? scope.sigma_w : 1.0;
    if (!(scale > 0)) continue;
    const auto curve =
        probes::seed_curve(rows, {curves.probe, curves.variant, probes::Mode::kFull, probes::Scope::parse(scope.name)});
    if (curve.empty()) continue;
    const bool whole = scope.name == "all";
    Series s{whole ? "all (whole model)" : scope.name, {}, {}, "linespoints", whole ? kBlack : color++, whole ? 2 : 1};
    for (const auto& p : curve) {
      const double x = p.level / scale;
      s.x.push_back(x);
      s.y.push_back(p.value.median);
      if (curves.per_sigma && !(x > 0)) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
    }
    series.push_back(std::move(s));
  }
  // Noise on a σ axis: a layer with a small σ(w) reaches 100 σ while every curve has long settled;
  // the axis ends at twice the level where the last curve settles (within 1 point of its end).
  if (curves.per_sigma && std::isfinite(x0)) {
    double settled = x0;
    for (const Series& s : series) {
      size_t first = s.y.size();
      while (first > 0 && std::abs(s.y[first - 1] - s.y.back()) <= 1.0) --first;
      if (first < s.x.size()) settled = std::max(settled, s.x[first]);
    }
    x1 = std::min(x1, 2 * settled);
    for (Series& s : series) {
      Series kept{s.label, {}, {}, s.style, s.color, s.dash};
      for (size_t i = 0; i < s.x.size(); ++i) {
        if (s.x[i] <= x1) {
          kept.x.push_back(s.x[i]);
          kept.y.push_back(s.y[i]);
        }
      }
      s = std::move(kept);
    }
  }
  if (std::isfinite(x0)) {
    series.push_back(level_line("intact", intact, x0, x1, 1));
    series.push_back(level_line(floor_label, floor, x0, x1, 3));
  }
  return line_figure(name, title, xlabel, ylabel, Axes{.log_x = curves.per_sigma, .key = "inside bottom left"}, series);
}

}  // namespace netprobe::report
