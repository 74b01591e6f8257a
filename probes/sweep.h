#pragma once
/// The sweep engine: probes x levels x draws x modes in one scope -> long-format rows, evaluated
/// in batches. It knows nothing about datasets or model types: the caller supplies a
/// BatchEvaluator and says which metric it returns.
///
///   std::vector<SweepSpec> specs = {SweepSpec(prune_probe(), "magnitude")};   // default grid, both modes
///   specs.push_back(SweepSpec(noise_probe(), "uniform").full_only().draws(5).scope(Scope::parse("fc1")));
///   auto rows = run_sweeps(target, specs, evaluator, {"mnist-7v9", seed});
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_io.h"
#include "probes/metric.h"
#include "probes/probe.h"
#include "probes/registry.h"

namespace netprobe::probes {

/// One probe variant over a grid of levels, in one scope, evaluated as is and (where the probe
/// allows) signed, with several draws per level when the variant is random.
class SweepSpec {
 public:
  /// `variant` of `probe` over its default grid, in every mode that makes sense for it, 5 draws,
  /// on every layer. UsageError (--variant) for an unknown variant.
  SweepSpec(const ProbeDefinition& probe, const std::string& variant);

  SweepSpec& levels(std::vector<double> levels);
  /// Evaluate the probed network as is only (no signed evaluation).
  SweepSpec& full_only();
  /// Also evaluate sign() of the probed network (ignored where the probe has no signed mode).
  SweepSpec& with_signed(bool on);
  SweepSpec& draws(int draws);
  SweepSpec& scope(Scope scope);

  const ProbeDefinition& probe() const { return *probe_; }
  const std::string& variant() const { return variant_; }
  const std::vector<double>& levels() const { return levels_; }
  bool evaluates(Mode mode) const { return mode == Mode::kFull || signed_; }
  int modes() const { return signed_ ? 2 : 1; }
  /// Draws per level as asked (recorded in caches), and as run: 1 for a deterministic variant.
  int draws() const { return draws_; }
  int draws_run() const { return pipeline_.stochastic ? std::max(draws_, 1) : 1; }
  const Scope& scope() const { return scope_; }
  const Probe& pipeline() const { return pipeline_; }
  /// UsageError naming --levels or --draws for a grid or draw count the probe cannot take.
  void validate() const;

 private:
  const ProbeDefinition* probe_;
  std::string variant_;
  Probe pipeline_;  // built once from (probe, variant)
  std::vector<double> levels_;
  bool signed_;
  int draws_ = 5;
  Scope scope_;
};

/// One evaluation of a parameter set: the metric the evaluator computes (see SweepContext) and
/// the loss (NaN when the evaluator has none). An evaluator that compares every variant with the
/// intact model example by example also gives the paired counts of the metric (probes/intervals.h).
struct Evaluation {
  double value = 0;
  double loss = 0;
  int64_t examples = 0;
  int64_t lost = -1, gained = -1;  ///< examples the intact model got right and this one wrong, and back; -1: none
  int64_t nonfinite = 0;           ///< examples whose outputs were not all finite (scored wrong)
  int64_t intact_right = -1;       ///< of these examples, how many the intact model got right; -1: none
};

/// Evaluates many parameter sets of one model (same names and shapes) at once.
using BatchEvaluator = std::function<std::vector<Evaluation>(const std::vector<core::NamedTensors>&)>;

/// One evaluation; probe "none" (ProbeId::intact()) is the unperturbed model.
struct SweepRow {
  std::string task;
  uint64_t seed = 0;
  ProbeId probe;
  std::string variant;  ///< "-" for the unperturbed model
  Mode mode = Mode::kFull;
  Scope scope;
  double level = 0;
  int draw = 0;
  Metric metric = Metric::kAccuracy;
  double value = 0;  ///< the metric (percent)
  double loss = 0;
  ProbeReport report{};
  /// The evaluation's paired counts against the intact model (Evaluation); lost < 0: none.
  int64_t examples = 0, lost = -1, gained = -1, nonfinite = 0;
  /// Of its examples, how many the intact model got right (-1: not known). With `examples` fewer
  /// than the test set's, the row was evaluated on a random sample of it (AdaptiveOptions::looks).
  int64_t intact_right = -1;

  bool has_counts() const { return lost >= 0; }
  /// Keys task, seed, probe, variant, mode, scope, level, draw, the metric's name, loss, changed,
  /// total, zeros (NaN written as null); with paired counts also examples, lost, gained, nonfinite
  /// (and intact_right when known);
  /// a loss-metric row (whose value is its loss) also "metric": "loss".
  core::Json to_json() const;
  /// The inverse; core::Error (or nlohmann's exception) for a missing key or an unknown name.
  static SweepRow from_json(const core::Json& json);
};

struct SweepContext {
  std::string task;
  uint64_t seed = 0;  ///< the model's seed; every draw's generator derives from it
  /// Variants per batched evaluation. Results are bit-reproducible for a fixed chunk; another
  /// chunk stacks other matrices, so BLAS rounding (and near-tied predictions) may differ.
  int64_t chunk = 32;
  Metric metric = Metric::kAccuracy;  ///< what the evaluator's value is
  std::function<void(int64_t done, int64_t total)> progress = nullptr;
};

/// Seed of one draw: derived from (seed, probe, variant, scope, level, draw), so any row can be
/// regenerated alone. The full and signed evaluations of a draw share the same perturbation.
uint64_t draw_seed(uint64_t seed, const SweepSpec& spec, double level, int draw);

/// One draw of `spec` at `level`: the perturbed parameters and their rows (the signed one first
/// when the spec evaluates it, then the full one), as both sweep engines evaluate them.
struct DrawVariants {
  std::vector<core::NamedTensors> variants;
  std::vector<SweepRow> rows;
};
DrawVariants make_draw(const SweepSpec& spec, const core::NamedTensors& params, const Selection& selection,
                       double level, int draw, const SweepContext& context);

/// Number of evaluations run_sweeps will perform (for progress and planning), the unperturbed one
/// included.
int64_t count_evaluations(const std::vector<SweepSpec>& specs);

/// Runs every spec on the target's parameters (never modified), each on the parts its scope
/// selects. The first row is always the unperturbed model (probe "none", mode "full"). Throws
/// UsageError for levels a probe cannot take or a scope that names no layer of the target.
std::vector<SweepRow> run_sweeps(const ProbeTarget& target, const std::vector<SweepSpec>& specs,
                                 const BatchEvaluator& evaluate, const SweepContext& context);

/// Long-format CSV with a header row; the metric column is named by the rows' metric (accuracy
/// when there are no rows). core::Error when the rows mix metrics.
std::string rows_to_csv(const std::vector<SweepRow>& rows);
/// The text of the JSON array of every row's to_json(), as Json::dump(2) writes it, made one row
/// at a time: the whole array as one Json costs about a kilobyte per row, GBs for all pairs.
/// `write_rows_json` hands the text to `sink` in pieces, in order, so it can go straight to a file.
void write_rows_json(const std::vector<SweepRow>& rows, const std::function<void(std::string_view)>& sink);
std::string rows_to_json_text(const std::vector<SweepRow>& rows);
/// Every row of a JSON array; core::Error naming `source` for an invalid row.
std::vector<SweepRow> rows_from_json(const core::Json& rows, const std::string& source);

}  // namespace netprobe::probes
