#include "probes/score.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "probes/binarize.h"
#include "probes/flip.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/shuffle.h"

namespace netprobe::probes {
namespace {

std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = (static_cast<double>(i + j) / 2.0) + 1.0;
    i = j + 1;
  }
  return r;
}

}  // namespace

double flip50(double accuracy, int classes) { return classes == 2 && accuracy < 50 ? 100 - accuracy : accuracy; }

double area_between(const std::vector<CurvePoint>& upper, const std::vector<CurvePoint>& lower, bool log_axis) {
  const size_t n = std::min(upper.size(), lower.size());
  if (n == 0) return 0;
  if (n == 1) return upper[0].value.median - lower[0].value.median;
  const auto x = [&](size_t i) { return log_axis ? std::log2(upper[i].level) : upper[i].level; };
  double area = 0;
  for (size_t i = 0; i + 1 < n; ++i) {
    const double d0 = upper[i].value.median - lower[i].value.median;
    const double d1 = upper[i + 1].value.median - lower[i + 1].value.median;
    area += (d0 + d1) / 2 * (x(i + 1) - x(i));
  }
  const double span = x(n - 1) - x(0);
  return span > 0 ? area / span : 0;
}

Peak peak_of(const std::vector<CurvePoint>& c) {
  Peak p;
  for (const auto& point : c) {
    if (!p.found || point.value.median > p.accuracy) p = {point.value.median, point.level, true};
  }
  return p;
}

core::Json TaskScore::to_json() const {
  const auto peak = [](const Peak& p) {
    return p.found ? core::Json{{"accuracy", p.accuracy}, {"level", p.level}} : core::Json(nullptr);
  };
  return {{"task", task},
          {"classes", classes},
          {"seeds", seeds},
          {"full", full},
          {"binarized", binarized},
          {"shuffled_B", shuffled},
          {"delta_bin", delta_bin},
          {"delta_shuf", delta_shuf},
          {"norm_bin", norm_bin},
          {"norm_shuf", norm_shuf},
          {"prune_binarize_peak", peak(prune_binarize)},
          {"noise_signed_peak", peak(noise_signed)},
          {"noise_signed_peak_sigma", noise_signed.found && sigma_w > 0 ? noise_signed.level / sigma_w : kUndefined},
          {"flip_signed_peak", peak(flip_signed)},
          {"sigma_w", sigma_w},
          {"areas_full_minus_signed", areas}};
}

namespace {

Peak peak_from_json(const core::Json& j) {
  if (j.is_null()) return {};
  return {core::number_or_nan(j.at("accuracy")), core::number_or_nan(j.at("level")), true};
}

}  // namespace

TaskScore TaskScore::from_json(const core::Json& j) {
  TaskScore s;
  s.task = j.at("task").get<std::string>();
  s.classes = j.at("classes").get<int>();
  s.seeds = j.at("seeds").get<int>();
  j.at("full").get_to(s.full);
  j.at("binarized").get_to(s.binarized);
  j.at("shuffled_B").get_to(s.shuffled);
  core::read_field(j, "delta_bin", s.delta_bin);
  core::read_field(j, "delta_shuf", s.delta_shuf);
  core::read_field(j, "norm_bin", s.norm_bin);
  core::read_field(j, "norm_shuf", s.norm_shuf);
  s.prune_binarize = peak_from_json(j.at("prune_binarize_peak"));
  s.noise_signed = peak_from_json(j.at("noise_signed_peak"));
  s.flip_signed = peak_from_json(j.at("flip_signed_peak"));
  core::read_field(j, "sigma_w", s.sigma_w);
  s.areas = j.at("areas_full_minus_signed");
  return s;
}

double median_flip50(const std::vector<SweepRow>& rows, const RowSelection& selection, int classes) {
  // flip50 applies to each seed's accuracy before the median is taken, as the score defines.
  std::vector<double> v;
  for (const auto& [level, means] : seed_means(rows, selection)) {
    for (double m : means) v.push_back(flip50(m, classes));
  }
  return v.empty() ? kUndefined : spread(v).median;
}

TaskScore score_task(const std::vector<SweepRow>& rows, int classes, const std::vector<double>& sigma_w) {
  TaskScore s;
  s.classes = classes;
  if (!rows.empty()) s.task = rows.front().task;
  std::set<uint64_t> seeds;
  for (const auto& r : rows) seeds.insert(r.seed);
  s.seeds = static_cast<int>(seeds.size());
  const RowSelection intact = RowSelection::intact();
  const RowSelection binarized{binarize_probe(), "sign"};
  const RowSelection shuffled{shuffle_probe(), "B"};
  const auto single = [&](const RowSelection& selection) {
    const auto c = seed_curve(rows, selection);
    return c.empty() ? Spread{} : c.front().value;
  };
  s.full = single(intact);
  s.binarized = single(binarized);
  s.shuffled = single(shuffled);
  const double full50 = median_flip50(rows, intact, classes);
  const double chance = 100.0 / classes;
  if (s.binarized.n > 0) {
    s.delta_bin = full50 - median_flip50(rows, binarized, classes);
    s.norm_bin = s.delta_bin / (s.full.median - chance);
  }
  if (s.shuffled.n > 0) {
    s.delta_shuf = full50 - median_flip50(rows, shuffled, classes);
    s.norm_shuf = s.delta_shuf / (s.full.median - chance);
  }
  s.prune_binarize = peak_of(seed_curve(rows, {prune_probe(), "magnitude", Mode::kSigned}));
  s.noise_signed = peak_of(seed_curve(rows, {noise_probe(), "uniform", Mode::kSigned}));
  s.flip_signed = peak_of(seed_curve(rows, {flip_probe(), "smallest", Mode::kSigned}));
  s.sigma_w = spread(sigma_w).median;
  s.areas = core::Json::object();
  for (const ProbeDefinition* probe : registered_probes()) {
    for (const auto& variant : probe->variants) {
      const auto full = seed_curve(rows, {*probe, variant, Mode::kFull});
      const auto sgn = seed_curve(rows, {*probe, variant, Mode::kSigned});
      if (!full.empty() && full.size() == sgn.size()) {
        s.areas[probe->name + "/" + variant] = area_between(full, sgn, probe->log_axis());
      }
    }
  }
  return s;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) * (ra[i] - ma);
    vb += (rb[i] - mb) * (rb[i] - mb);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0;
}

}  // namespace netprobe::probes
