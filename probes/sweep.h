#pragma once
/// The sweep engine: probes x levels x draws x scope -> long-format rows, evaluated in batches.
/// It knows nothing about datasets or model types: the caller supplies a BatchEvaluator.
///
///   std::vector<SweepSpec> specs = {{"prune", "magnitude", pruning_grid()}};
///   auto rows = run_sweeps(params, specs, evaluator, {"mnist-7v9", seed});
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/probe.h"
#include "core/json_io.h"
#include "train/classification.h"

namespace netprobe::probes {

struct SweepSpec {
  std::string probe;
  std::string variant;
  std::vector<double> levels;
  bool full = true;     ///< evaluate the probed network as is
  bool signed_ = true;  ///< and sign() of it
  int draws = 5;        ///< for stochastic probes; deterministic ones run once
  Scope scope{};
};

/// Evaluates many parameter sets of one model (same names and shapes) at once.
using BatchEvaluator = std::function<std::vector<train::ClassifierMetrics>(const std::vector<core::NamedTensors>&)>;

/// One evaluation. `mode` is "full" or "signed"; probe "none" is the unperturbed model.
struct SweepRow {
  std::string task;
  uint64_t seed = 0;
  std::string probe, variant, mode, scope;
  double level = 0;
  int draw = 0;
  double accuracy = 0, loss = 0;
  ProbeReport report{};

  core::Json to_json() const;
  static SweepRow from_json(const core::Json& json);
};

struct SweepContext {
  std::string task;
  uint64_t seed = 0;  ///< the model's seed; every draw's generator derives from it
  /// Variants per batched evaluation. Results are bit-reproducible for a fixed chunk; another
  /// chunk stacks other matrices, so BLAS rounding (and near-tied predictions) may differ.
  int64_t chunk = 32;
  std::function<void(int64_t done, int64_t total)> progress = nullptr;
};

/// Seed of one draw: derived from (seed, probe, variant, scope, level, draw), so any row can be
/// regenerated alone. The full and signed evaluations of a draw share the same perturbation.
uint64_t draw_seed(uint64_t seed, const SweepSpec& spec, double level, int draw);

/// Number of evaluations run_sweeps will perform (for progress and planning).
int64_t count_evaluations(const std::vector<SweepSpec>& specs);

/// Runs every spec on `params` (never modified). The first row is always the unperturbed model
/// (probe "none", mode "full"). Throws UsageError for unknown probes/variants or bad levels.
std::vector<SweepRow> run_sweeps(const core::NamedTensors& params, const std::vector<SweepSpec>& specs,
                                 const BatchEvaluator& evaluate, const SweepContext& context);

/// Long-format CSV with a header row; `metric` names the accuracy column (an RNN's rows hold
/// the variance explained there).
std::string rows_to_csv(const std::vector<SweepRow>& rows, const std::string& metric = "accuracy");
/// The text of the JSON array of every row's to_json(), as Json::dump(2) writes it, made one row
/// at a time: the whole array as one Json took ~1.3 KB per row (0.9 GB for 45 pairs x 10 seeds).
/// `write_rows_json` hands the text to `sink` in pieces, in order, so it can go straight to a file.
void write_rows_json(const std::vector<SweepRow>& rows, const std::function<void(std::string_view)>& sink);
std::string rows_to_json_text(const std::vector<SweepRow>& rows);

}  // namespace netprobe::probes
