#pragma once
/// Sweeps that stop when their answer is known (`compress`): each spec runs its levels in order,
/// its draws in two rounds, and after every round a judge says whether the spec goes on to its next
/// level, needs the level's remaining draws, or stops. Scopes run one after the other (their specs
/// side by side), so an evaluator that keeps per-layer state (ScriptBatchEvaluator's cuts) uses it
/// while it is warm. Every round of a level is one call of the evaluator, in early-stopped and
/// exhaustive runs alike, so a variant's numbers never depend on what else was evaluated; an
/// evaluator whose numbers never do anyway (each variant run on its own) may take every round of
/// a pass over a scope in one call (merge_rounds), which keeps all its workers busy. Rows come back
/// in run_sweeps' order (spec, level, draw, mode).
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
  int first_round = 2;        ///< draws of a random level evaluated before the judge first looks
  bool exhaustive = false;    ///< every level and draw of every spec (the judge is not asked)
  bool merge_rounds = false;  ///< one evaluator call per pass over a scope's specs
  /// The unperturbed model's row when the caller has it (evaluated once for many calls).
  const SweepRow* intact = nullptr;
};

/// The unperturbed model's row (probe "none"), evaluated.
SweepRow intact_row(const ProbeTarget& target, const BatchEvaluator& evaluate, const SweepContext& context);

/// The unperturbed row first (evaluated unless options.intact gives it), then every evaluated row. `context.progress`
/// sees the evaluations done against the exhaustive count.
std::vector<SweepRow> run_adaptive_sweeps(const ProbeTarget& target, const std::vector<SweepSpec>& specs,
                                          const BatchEvaluator& evaluate, const SweepContext& context,
                                          const LevelJudge& judge, const AdaptiveOptions& options);

}  // namespace netprobe::probes
