#pragma once
/// The answer of `netprobe compress` for one model: per layer (and the whole model), how far each
/// compression probe can go before the metric drops by more than the allowed amount, decided on
/// 95 % intervals (probes/intervals.h). A level is judged in two rounds: its first draws alone,
/// and if they are not clearly failed or clearly safe, all its draws; the largest safe level is the largest
/// level up to which every level is safe. The first level after it is reported as uncertain when
/// its interval straddles the allowed drop, else as failed. docs/USER_MODELS.md states the rule.
///
///   auto specs = compress_specs(target, {"magnitude", "random"}, scopes, 5, {});
///   auto answers = answer_layers(rows, scopes, target, Metric::kAccuracy, 1.0, 2);
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/json_io.h"
#include "probes/adaptive_sweep.h"
#include "probes/intervals.h"
#include "probes/metric.h"
#include "probes/sweep.h"

namespace netprobe::probes {

/// A compression probe by the name `compress --probes` takes.
struct CompressProbe {
  std::string name;  ///< magnitude, random, noise, binarize, shuffle, structured, global, heads
  const ProbeDefinition* probe;
  std::string variant;
  bool whole_model_only;  ///< global ranking: only the whole model
  bool attention_only;    ///< heads: only layers with attention heads
};
/// Every compression probe, in the order they are run and shown.
const std::vector<CompressProbe>& compress_probes();
/// The default: magnitude, random, noise, binarize, shuffle.
std::vector<std::string> default_compress_probes();
/// UsageError naming --probes and the known names for an unknown one.
const CompressProbe& find_compress_probe(const std::string& name);

/// The sweeps of `probes` (names) for every scope that can take them, full precision, with `draws`
/// draws; `levels` replaces the pruning grids when not empty.
std::vector<SweepSpec> compress_specs(const ProbeTarget& target, const std::vector<std::string>& probes,
                                      const std::vector<Scope>& scopes, int draws, const std::vector<double>& levels);

/// The judgement of one level from its rows (full mode, draws in order): the drop (mean over the
/// draws judged) and its verdict. The first `first_round` draws decide alone when they are clear:
/// their mean fails, or their mean and each of them alone is safe; otherwise every draw decides.
/// Rows evaluated on a sample of the test set (fewer examples than the intact row) are judged by
/// the verdict the whole test set would give them (whole_set_verdict), which the sample settles or not.
struct LevelJudgement {
  Verdict verdict = Verdict::kFailed;
  Drop drop;
  int draws = 0;       ///< draws judged
  bool early = false;  ///< decided by the first round while later draws were there too
  /// False when the rows are a sample of the test set that leaves the whole set's verdict open
  /// (the verdict then says uncertain): the level needs more examples.
  bool settled = true;
};
LevelJudgement judge_level(const std::vector<SweepRow>& level_rows, const SweepRow& intact, double max_drop,
                           int first_round);
/// The first round's judgement when it is clear (see judge_level), else nullopt (also when the
/// rows hold fewer draws than a first round).
std::optional<LevelJudgement> first_round_judgement(const std::vector<SweepRow>& level_rows, const SweepRow& intact,
                                                    double max_drop, int first_round);

/// One compression probe's answer for one scope.
struct ProbeAnswer {
  std::string probe;                 ///< its compress name
  double safe_level = std::nan("");  ///< largest level up to which every level is safe; NaN: not even the first
  double value = std::nan("");       ///< the metric at the safe level (mean over draws)
  double drop = std::nan(""), drop_low = std::nan(""), drop_high = std::nan("");  ///< there (NaN bounds: no interval)
  double sparsity = std::nan("");    ///< zeros / entries at the safe level (pruning probes)
  double next_level = std::nan("");  ///< the first level after it (NaN: the grid ended)
  std::string next_verdict;          ///< "uncertain" or "failed" (empty: the grid ended)
  double next_value = std::nan(""), next_drop = std::nan(""), next_drop_low = std::nan(""),
         next_drop_high = std::nan("");  ///< there
  int evaluations = 0;                   ///< evaluations it took
  /// A level-free probe's (binarize, shuffle) metric and drop, safe or not.
  double only_value() const { return std::isnan(safe_level) ? next_value : value; }
  double only_drop() const { return std::isnan(safe_level) ? next_drop : drop; }
};
NETPROBE_JSON_FIELDS(ProbeAnswer, probe, safe_level, value, drop, drop_low, drop_high, sparsity, next_level,
                     next_verdict, next_value, next_drop, next_drop_low, next_drop_high, evaluations)

/// The answers for one scope.
struct LayerAnswer {
  std::string layer;        ///< "all" or a layer's name
  std::string module_type;  ///< "" for all
  int64_t entries = 0;      ///< entries probed
  double sigma_w = std::nan("");
  std::vector<ProbeAnswer> probes;
  const ProbeAnswer* find(const std::string& probe) const;
};
NETPROBE_JSON_FIELDS(LayerAnswer, layer, module_type, entries, sigma_w, probes)

/// Every scope's answers from the rows of its sweeps (missing levels end a probe's grid).
std::vector<LayerAnswer> answer_layers(const std::vector<SweepRow>& rows, const std::vector<Scope>& scopes,
                                       const ProbeTarget& target, const std::vector<std::string>& probes,
                                       double max_drop, int first_round);

/// The judge of run_adaptive_sweeps for these specs: the same two-round rule, and a spec stops at its
/// first level that is not safe.
LevelJudge compress_judge(double max_drop, int first_round);

}  // namespace netprobe::probes
