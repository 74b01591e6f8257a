#pragma once
/// Sweeps that stop when their answer is known (`compress`): each spec runs its levels in order,
/// its draws in two rounds, and after every round a judge says whether the spec goes on to its next
/// level, needs the level's remaining draws, or stops. Every round of a level is one call of the
/// evaluator, in early-stopped and exhaustive runs alike, so a variant's numbers never depend on
/// what else was evaluated. Rows come back in run_sweeps' order (spec, level, draw, mode).
///
///   auto rows = run_adaptive_sweeps(target, specs, evaluate, context, judge, {.first_round = 2});
#include <functional>
#include <vector>

#include "probes/sweep.h"

namespace netprobe::probes {

enum class LevelStep {
  kNext,       ///< go on to the spec's next level
  kMoreDraws,  ///< evaluate the level's remaining draws, then ask again
  kStop,       ///< the spec's answer is known: no more levels
};

/// The rows of one level of spec `spec` so far (its draws in order, each mode), whether every draw
/// of the level is among them, and the unperturbed model's row.
using LevelJudge = std::function<LevelStep(size_t spec, const std::vector<SweepRow>& level_rows, bool all_draws,
                                           const SweepRow& intact)>;

struct AdaptiveOptions {
  int first_round = 2;      ///< draws of a random level evaluated before the judge first looks
  bool exhaustive = false;  ///< every level and draw of every spec (the judge is not asked)
};

/// The unperturbed row first, then every evaluated row. `context.progress` sees the evaluations
/// done against the exhaustive count.
std::vector<SweepRow> run_adaptive_sweeps(const ProbeTarget& target, const std::vector<SweepSpec>& specs,
                                          const BatchEvaluator& evaluate, const SweepContext& context,
                                          const LevelJudge& judge, const AdaptiveOptions& options);

}  // namespace netprobe::probes
