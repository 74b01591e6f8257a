#include "probes/intervals.h"

#include <cmath>

namespace netprobe::probes {
namespace {

constexpr double kZ = 1.959963984540054;  // the normal quantile of 0.975

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

const std::string& verdict_name(Verdict v) {
  static const std::string names[] = {"safe", "uncertain", "failed"};
  return names[static_cast<int>(v)];
}

}  // namespace netprobe::probes
