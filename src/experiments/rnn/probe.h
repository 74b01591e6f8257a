#pragma once
/// `netprobe rnn probe`: the probes of PROBES.md on a trained low-rank RNN (probes::rnn_preset).
/// Its vectors are the weights (an N x R matrix is one tensor, like a layer) and the metric is the
/// variance explained, 100 (1 - L / L_0) with L_0 the loss of a silent network (y = 0): 100 is
/// perfect, 0 no better than silence.
///
///   RnnProbeConfig c;  c.model = "runs/filter";  c.out = "runs/filter-probes";
///   RnnProbeResult r = run_rnn_probe(c);   // r.summary[0].binarized
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/rnn/run.h"
#include "probes/sweep.h"

namespace netprobe::experiments {

/// Evaluates parameter sets (m, U, V, z) on the task, without gradients.
probes::BatchEvaluator rnn_evaluator(const RnnRunConfig& config, const models::RnnTaskData& task);

struct RnnProbeSummary {
  std::string scope;
  double full = 0;                        ///< explained % of the trained network
  double binarized = 0;                   ///< sign()
  double binarized_scaled = 0;            ///< sign() * mean |w|
  double shuffled_a = 0, shuffled_b = 0;  ///< medians over draws
  // NaN where even the smallest level loses more than 10%:
  double max_prune = 0;         ///< largest p whose magnitude pruning keeps >= 90% of `full`
  double max_prune_signed = 0;  ///< the same after sign()
  double max_noise = 0;         ///< largest Gaussian sigma whose median keeps >= 90% of `full`
};
std::vector<RnnProbeSummary> summarize_rnn_probes(const std::vector<probes::SweepRow>& rows);

struct RnnProbeConfig {
  std::filesystem::path model;  ///< a `rnn train` run directory
  std::vector<std::string> scopes = {"U+V", "all"};
  bool profile = false;       ///< also m, U, V and z one at a time
  std::filesystem::path out;  ///< empty: compute only
  /// UsageError naming --scopes for an unknown vector.
  void validate() const;
  /// The scopes probed, in order.
  std::vector<probes::Scope> probed_scopes() const;
};

struct RnnProbeResult {
  RnnRunConfig run;  ///< the probed network's config
  std::vector<probes::SweepRow> rows;
  std::vector<RnnProbeSummary> summary;
  core::Json to_json() const;  ///< config, summary and rows
  static RnnProbeResult from_json(const core::Json& json, const std::string& source);
};

/// Loads the run, sweeps it and, with config.out, writes rows.csv, result.json and meta.json
/// atomically.
RnnProbeResult run_rnn_probe(const RnnProbeConfig& config, const core::RunContext& context);

/// The table `rnn probe` prints.
std::string format_rnn_probe(const RnnProbeResult& result);

}  // namespace netprobe::experiments
