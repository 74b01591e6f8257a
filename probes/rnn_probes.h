#pragma once
/// The probes of PROBES.md on a trained low-rank RNN: its vectors are the weights (an N x R
/// matrix is one tensor, like a layer), the task loss is the metric, so an RNN task gets a
/// complexity profile too. A row's `accuracy` is the variance explained, 100 (1 - L / L_0) with
/// L_0 the loss of a silent network (y = 0): 100 is perfect, 0 no better than silence.
#include <string>
#include <vector>

#include "models/rnn_run.h"
#include "probes/sweep.h"

namespace netprobe::probes {

/// Per scope ("U+V" the connectivity, "" everything, or one vector "m", "U", "V", "z"):
/// magnitude/random pruning (as is and signed), sign/scaled binarization, Gaussian noise,
/// smallest/random sign flips, shuffles A and B. Noise runs on 2^-7 .. 2^3.
std::vector<SweepSpec> rnn_sweeps(const std::vector<std::string>& scopes);

/// Evaluates parameter sets (m, U, V, z) on the task, without gradients.
BatchEvaluator rnn_evaluator(const models::RnnRunConfig& config, const models::RnnTaskData& task);

struct RnnProbeSummary {
  std::string scope;
  double full = 0;                ///< explained % of the trained network
  double binarized = 0;           ///< sign()
  double binarized_scaled = 0;    ///< sign() * mean |w|
  double shuffled_a = 0, shuffled_b = 0;  ///< medians over draws
  // NaN where even the smallest level loses more than 10%:
  double max_prune = 0;           ///< largest p whose magnitude pruning keeps >= 90% of `full`
  double max_prune_signed = 0;    ///< the same after sign()
  double max_noise = 0;           ///< largest Gaussian sigma whose median keeps >= 90% of `full`
};
std::vector<RnnProbeSummary> summarize_rnn_probes(const std::vector<SweepRow>& rows);

}  // namespace netprobe::probes
