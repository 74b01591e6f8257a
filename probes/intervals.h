#pragma once
/// How sure a compression answer is: 95 % intervals for a metric measured on n test examples, and
/// for its drop from the intact model on the same examples, and the verdict of a level against
/// the allowed drop (docs/USER_MODELS.md, "Uncertainty").
///
///   Interval i = wilson(850, 1000);                     // accuracy 85 % of 1000 images: [82.65, 87.08]
///   Drop d = paired_drop(12, 3, 1000);                  // 12 images lost, 3 gained: 0.9 points, [0.12, 1.68]
///   verdict(d, 1.0) == Verdict::kUncertain;             // the interval straddles the 1-point budget
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netprobe::probes {

struct Interval {
  double low = 0, high = 0;
};

/// The 95 % Wilson score interval of k successes in n trials, in percent.
Interval wilson(int64_t k, int64_t n);

/// A drop from the intact model (positive: worse), with its 95 % interval, in the metric's units.
struct Drop {
  double point = 0, low = 0, high = 0;
  bool has_interval = false;  ///< false when the metric has no paired counts (macro-F1, loss)
};

/// The accuracy drop of a variant evaluated on the same n examples as the intact model: `lost`
/// examples it gets wrong that the intact model got right, `gained` the other way round. The
/// interval is Agresti and Min's adjusted Wald interval for a paired difference (a half count
/// added to each cell of the 2 x 2 table), which keeps its coverage when lost and gained are small.
Drop paired_drop(int64_t lost, int64_t gained, int64_t n);

/// The mean drop of several draws of one level. The draws share the test images, so the sampling
/// error does not average out over them (their mean squared half-width is kept); the spread of the
/// draws does (its variance over the number of draws is added).
Drop mean_drop(const std::vector<Drop>& draws);

/// A level against the allowed drop: safe when the whole interval is within it, failed when the
/// whole interval exceeds it, uncertain when it straddles. Without an interval, the point decides
/// (safe or failed).
enum class Verdict { kSafe, kUncertain, kFailed };
Verdict verdict(const Drop& drop, double max_drop);
const std::string& verdict_name(Verdict verdict);  ///< "safe", "uncertain", "failed"

/// Bounds on how many of a population's `population` members have a property, from `k` of the
/// `n` in a uniformly random sample without replacement: the counts K whose hypergeometric chance
/// of k or fewer (for high), or k or more (for low), is above `alpha`.
struct CountBounds {
  int64_t low = 0, high = 0;
};
CountBounds population_count(int64_t k, int64_t n, int64_t population, double alpha);

/// One draw of a level evaluated on a random sample of the test set (its first `examples` in a
/// random order): its paired counts there.
struct SampledCounts {
  int64_t examples = 0, lost = 0, gained = 0;
};

/// The chance per bound that a sampled decision differs from the whole test set's (looks at a
/// test set: docs/USER_MODELS.md, "Looking at part of the test set").
inline constexpr double kLookAlpha = 1e-9;

/// The verdict the whole test set (`examples` of them) would give the mean drop of these draws
/// (mean_drop of their paired_drop), when every whole-set count the samples do not rule out (at
/// `alpha` per bound: the discordant examples, then the lost among them) gives that same verdict;
/// nullopt when the samples leave it open. Samples that are the whole set give verdict() itself.
std::optional<Verdict> whole_set_verdict(const std::vector<SampledCounts>& draws, int64_t examples, double max_drop,
                                         double alpha = kLookAlpha);

}  // namespace netprobe::probes
