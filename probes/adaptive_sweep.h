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
/// With `looks`, a level is first evaluated on a random sample of the test set (the evaluator's
/// examples are in a random order, and a sample is their first n): the judge may decide there, or
/// ask for the next look, up to the whole set. A row then holds the counts of the examples it was
/// evaluated on; a later look adds to them.
///
///   auto rows = run_adaptive_sweeps(target, specs, evaluate, context, judge, {.first_round = 2});
#include <functional>
#include <vector>

#include "probes/sweep.h"

namespace netprobe::probes {

enum class LevelStep {
  kNext,          ///< go on to the spec's next level
  kMoreDraws,     ///< evaluate the level's remaining draws, then ask again
  kStop,          ///< the spec's answer is known: no more levels
  kMoreExamples,  ///< evaluate the level's draws on the next look at the test set, then ask again
};

/// The rows of one level of spec `spec` so far (its draws in order, each mode), whether every draw
/// of the level is among them, and the unperturbed model's row.
using LevelJudge = std::function<LevelStep(size_t spec, const std::vector<SweepRow>& level_rows, bool all_draws,
                                           const SweepRow& intact)>;

/// Evaluates parameter sets on the test examples first .. last - 1 (in the evaluator's order).
using RangeEvaluator =
    std::function<std::vector<Evaluation>(const std::vector<core::NamedTensors>&, int64_t first, int64_t last)>;

struct AdaptiveOptions {
  int first_round = 2;        ///< draws of a random level evaluated before the judge first looks
  bool exhaustive = false;    ///< every level and draw of every spec (the judge is not asked)
  bool merge_rounds = false;  ///< one evaluator call per pass over a scope's specs (and per look)
  /// The unperturbed model's row when the caller has it (evaluated once for many calls).
  const SweepRow* intact = nullptr;
  /// Sample sizes a level is looked at before the whole test set, increasing (empty: the whole set
  /// at once), and the evaluator of parts of it; the intact row holds the whole set's size.
  std::vector<int64_t> looks;
  RangeEvaluator evaluate_range = nullptr;
};

/// A row evaluated on more examples: `more`'s counts added to `row`'s (paired counts required);
/// the metric recomputed from the counts as one evaluation of all of them gives it.
void add_examples(SweepRow& row, const Evaluation& more);

/// The unperturbed model's row (probe "none"), evaluated.
SweepRow intact_row(const ProbeTarget& target, const BatchEvaluator& evaluate, const SweepContext& context);

/// The unperturbed row first (evaluated unless options.intact gives it), then every evaluated row. `context.progress`
/// sees the evaluations done against the exhaustive count.
std::vector<SweepRow> run_adaptive_sweeps(const ProbeTarget& target, const std::vector<SweepSpec>& specs,
                                          const BatchEvaluator& evaluate, const SweepContext& context,
                                          const LevelJudge& judge, const AdaptiveOptions& options);

}  // namespace netprobe::probes
