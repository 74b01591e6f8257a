#include "probes/row_groups.h"

#include <algorithm>
#include <cmath>

namespace netprobe::probes {
namespace {

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

Spread spread(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return {percentile(values, 0.5), percentile(values, 0.25), percentile(values, 0.75), static_cast<int>(values.size())};
}

bool RowSelection::matches(const SweepRow& r) const {
  return r.probe == probe && r.mode == mode && r.variant == variant && r.scope == scope;
}

LevelSeedValues group_rows(const std::vector<SweepRow>& rows, const RowSelection& selection) {
  LevelSeedValues out;
  for (const auto& r : rows) {
    if (selection.matches(r)) out[r.level][r.seed].push_back(r.value);
  }
  return out;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

std::map<double, std::vector<double>> seed_means(const std::vector<SweepRow>& rows, const RowSelection& selection) {
  std::map<double, std::vector<double>> out;
  for (const auto& [level, seeds] : group_rows(rows, selection)) {
    for (const auto& [seed, values] : seeds) out[level].push_back(mean_of(values));
  }
  return out;
}

std::vector<CurvePoint> seed_curve(const std::vector<SweepRow>& rows, const RowSelection& selection) {
  std::vector<CurvePoint> out;
  for (const auto& [level, means] : seed_means(rows, selection)) out.push_back({level, spread(means)});
  return out;
}

std::vector<CurvePoint> pooled_curve(const std::vector<SweepRow>& rows, const RowSelection& selection) {
  std::vector<CurvePoint> out;
  for (const auto& [level, seeds] : group_rows(rows, selection)) {
    std::vector<double> values;
    for (const auto& [seed, v] : seeds) values.insert(values.end(), v.begin(), v.end());
    out.push_back({level, spread(values)});
  }
  return out;
}

}  // namespace netprobe::probes
