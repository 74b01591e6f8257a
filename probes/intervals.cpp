#include "probes/intervals.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netprobe::probes {
namespace {

constexpr double kZ = 1.959963984540054;  // the normal quantile of 0.975

double log_choose(int64_t a, int64_t b) {
  return std::lgamma(static_cast<double>(a) + 1) - std::lgamma(static_cast<double>(b) + 1) -
         std::lgamma(static_cast<double>(a - b) + 1);
}

// Whether P(X <= k) > alpha for X hypergeometric: n drawn from `population` of which `members` have
// the property. Summed from k downwards: below the mode the terms shrink geometrically.
bool at_most_above(int64_t k, int64_t n, int64_t members, int64_t population, double alpha) {
  const int64_t lowest = std::max<int64_t>(0, n - (population - members));
  if (k < lowest) return false;
  if (k >= std::min(n, members)) return true;
  // At or above the mode, P(X <= k) >= P(X = mode) >= 1 / (n + 1).
  const auto mode = static_cast<int64_t>(
      std::floor(static_cast<double>(n + 1) * static_cast<double>(members + 1) / static_cast<double>(population + 2)));
  if (k >= mode && 1.0 / static_cast<double>(n + 1) > alpha) return true;
  const double log_total = log_choose(population, n);
  double sum = 0;
  for (int64_t j = k; j >= lowest; --j) {
    const double term = std::exp(log_choose(members, j) + log_choose(population - members, n - j) - log_total);
    sum += term;
    if (sum > alpha) return true;
    if (j < mode && term < sum * 1e-17) break;
  }
  return sum > alpha;
}

// The largest count K the sample does not rule out from above.
int64_t count_high(int64_t k, int64_t n, int64_t population, double alpha) {
  int64_t lo = k, hi = k + (population - n);  // at_most_above holds at lo
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (at_most_above(k, n, mid, population, alpha)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// The largest lost - gained of the whole set that a sample's `lost` of its `discordant` examples
// (lost or gained) does not rule out, for whole-set discordant counts in [low, high]: given its
// discordant count, a sample's discordant examples are a random sample of the whole set's, so the
// whole set's lost count is bounded as count_high bounds it. Along the range the bound is followed
// (a step up while the next count is not ruled out) and searched again only where it falls.
int64_t largest_difference(int64_t lost, int64_t discordant, CountBounds whole_discordant, double alpha) {
  int64_t best = std::numeric_limits<int64_t>::min();
  int64_t members = -1;
  for (int64_t t = whole_discordant.low; t <= whole_discordant.high; ++t) {
    if (t < discordant) continue;
    if (members < 0 || !at_most_above(lost, discordant, members, t, alpha)) {
      members = count_high(lost, discordant, t, alpha);
    } else {
      while (members < t && at_most_above(lost, discordant, members + 1, t, alpha)) ++members;
    }
    best = std::max(best, 2 * members - t);
  }
  return best;
}

// The sample variance of values each anywhere in its interval, at its largest: a convex function
// of the values, so at a corner of the box (every corner tried for up to 12 draws, else bounded
// by the widest range's).
double largest_sample_variance(const std::vector<std::pair<double, double>>& ranges) {
  const size_t k = ranges.size();
  if (k < 2) return 0;
  const auto variance = [&](const std::vector<double>& v) {
    double mean = 0, sum = 0;
    for (double x : v) mean += x / static_cast<double>(k);
    for (double x : v) sum += (x - mean) * (x - mean);
    return sum / static_cast<double>(k - 1);
  };
  if (k > 12) {
    double lo = ranges.front().first, hi = ranges.front().second;
    for (const auto& [a, b] : ranges) lo = std::min(lo, a), hi = std::max(hi, b);
    return static_cast<double>(k) / static_cast<double>(k - 1) * (hi - lo) * (hi - lo) / 4;
  }
  double largest = 0;
  std::vector<double> v(k);
  for (uint32_t corner = 0; corner < (1u << k); ++corner) {
    for (size_t i = 0; i < k; ++i) v[i] = (corner >> i) & 1u ? ranges[i].second : ranges[i].first;
    largest = std::max(largest, variance(v));
  }
  return largest;
}

}  // namespace

Interval wilson(int64_t k, int64_t n) {
  if (n <= 0) return {std::nan(""), std::nan("")};
  const double p = static_cast<double>(k) / static_cast<double>(n), nn = static_cast<double>(n);
  const double center = (p + kZ * kZ / (2 * nn)) / (1 + kZ * kZ / nn);
  const double half = kZ / (1 + kZ * kZ / nn) * std::sqrt(p * (1 - p) / nn + kZ * kZ / (4 * nn * nn));
  return {100 * std::max(0.0, center - half), 100 * std::min(1.0, center + half)};
}

Drop paired_drop(int64_t lost, int64_t gained, int64_t n) {
  if (n <= 0) return {std::nan(""), std::nan(""), std::nan(""), true};
  const double b = static_cast<double>(lost) + 0.5, c = static_cast<double>(gained) + 0.5;
  const double nn = static_cast<double>(n) + 2;
  const double d = (b - c) / nn;
  const double se = std::sqrt(std::max(0.0, (b + c) - (b - c) * (b - c) / nn)) / nn;
  const double point = 100 * static_cast<double>(lost - gained) / static_cast<double>(n);
  return {point, 100 * (d - kZ * se), 100 * (d + kZ * se), true};
}

Drop mean_drop(const std::vector<Drop>& draws) {
  if (draws.empty()) return {std::nan(""), std::nan(""), std::nan(""), false};
  const double k = static_cast<double>(draws.size());
  double mean = 0, center = 0, half2 = 0;
  for (const auto& d : draws) {
    mean += d.point / k;
    center += (d.low + d.high) / 2 / k;
    half2 += (d.high - d.low) * (d.high - d.low) / 4 / k;
  }
  if (!draws.front().has_interval) return {mean, mean, mean, false};
  double spread = 0;  // sample variance of the draws' points
  for (const auto& d : draws) spread += (d.point - mean) * (d.point - mean);
  spread = draws.size() > 1 ? spread / (k - 1) : 0;
  const double half = std::sqrt(half2 + kZ * kZ * spread / k);
  return {mean, center - half, center + half, true};
}

Verdict verdict(const Drop& drop, double max_drop) {
  // A non-finite drop (a variant whose outputs were not numbers) is never safe.
  if (!std::isfinite(drop.point) || (drop.has_interval && !(std::isfinite(drop.low) && std::isfinite(drop.high)))) {
    return Verdict::kFailed;
  }
  if (!drop.has_interval) return drop.point <= max_drop ? Verdict::kSafe : Verdict::kFailed;
  if (drop.high <= max_drop) return Verdict::kSafe;
  if (drop.low > max_drop) return Verdict::kFailed;
  return Verdict::kUncertain;
}

CountBounds population_count(int64_t k, int64_t n, int64_t population, double alpha) {
  // The low bound is the high bound of the members without the property.
  return {population - count_high(n - k, n, population, alpha), count_high(k, n, population, alpha)};
}

std::optional<Verdict> whole_set_verdict(const std::vector<SampledCounts>& draws, int64_t examples, double max_drop,
                                         double alpha) {
  if (draws.empty()) return std::nullopt;
  const bool whole = std::all_of(draws.begin(), draws.end(), [&](const auto& d) { return d.examples == examples; });
  if (whole) {
    std::vector<Drop> drops;
    for (const auto& d : draws) drops.push_back(paired_drop(d.lost, d.gained, d.examples));
    return verdict(mean_drop(drops), max_drop);
  }
  // Each draw's whole-set lost - gained and lost + gained within their bounds; paired_drop's
  // centre, its half-width (which lost + gained + 1 bounds) and the draws' spread each at their
  // own extreme: an interval that holds the whole set's.
  const auto k = static_cast<double>(draws.size());
  const double nn = static_cast<double>(examples) + 2;
  double center_high = 0, center_low = 0, half2 = 0;
  std::vector<std::pair<double, double>> points;
  for (const auto& d : draws) {
    const int64_t discordant = d.lost + d.gained;
    const CountBounds total = population_count(discordant, d.examples, examples, alpha);
    const auto high = static_cast<double>(largest_difference(d.lost, discordant, total, alpha));
    const auto low = static_cast<double>(-largest_difference(d.gained, discordant, total, alpha));
    center_high += 100 * high / nn / k;
    center_low += 100 * low / nn / k;
    half2 += 100 * 100 * kZ * kZ * (static_cast<double>(total.high) + 1) / (nn * nn) / k;
    points.emplace_back(100 * low / static_cast<double>(examples), 100 * high / static_cast<double>(examples));
  }
  const double half = std::sqrt(half2 + kZ * kZ * largest_sample_variance(points) / k);
  if (center_high + half <= max_drop) return Verdict::kSafe;
  if (center_low - half > max_drop) return Verdict::kFailed;
  return std::nullopt;
}

const std::string& verdict_name(Verdict v) {
  static const std::string names[] = {"safe", "uncertain", "failed"};
  return names[static_cast<int>(v)];
}

}  // namespace netprobe::probes
