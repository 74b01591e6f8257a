#pragma once
/// Figures of the low-rank RNN commands (rnn train, theory, twins, memory, probe).
#include <vector>

#include "experiments/rnn/decode.h"
#include "experiments/rnn/memory.h"
#include "experiments/rnn/theory.h"
#include "experiments/rnn/twins.h"
#include "probes/sweep.h"
#include "report/plot.h"

namespace netprobe::report {

// Every figure's title starts with `label`, the run's task, N, rank and activation
// (experiments::RnnRunConfig::label()).

/// Loss along training (log) and every overlap's trajectory (visible solid, invisible dashed).
std::vector<Figure> rnn_training_figures(const std::vector<models::OverlapRecord>& records, int64_t rank,
                                         models::RnnActivation activation, const std::string& label);
/// The trained network's output against the target over time, for the first trials.
Figure rnn_output_figure(const torch::Tensor& output, const torch::Tensor& target, double dt, const std::string& label);
/// Theory-vs-simulation overlap error along training, one curve per N.
Figure rnn_theory_figure(const std::vector<experiments::TheoryComparison>& results, const std::string& label);
/// The Gaussian closure's first-step error against N (log-log), with an N^-1/2 line through the
/// smallest N for comparison (nonlinear phi; for linear phi the error is round-off).
/// One N's tracked overlaps: GD as points, the prediction by `integrator` as lines, one colour per
/// overlap (loss-invisible ones dashed).
Figure rnn_trajectory_figure(const experiments::TheoryComparison& c, models::Integrator integrator, int64_t rank,
                             models::RnnActivation activation, const std::string& label);
Figure rnn_closure_figure(const std::vector<experiments::TheoryComparison>& results, const std::string& label);
/// Both twins' loss curves on the new task, simulated (points) and predicted (lines), and
/// their invisible overlaps.
std::vector<Figure> rnn_twins_figures(const experiments::TwinsResult& result, int64_t rank,
                                      models::RnnActivation activation, const std::string& label);
/// Per eta: loss through A -> B -> A and the invisible overlaps' trajectories.
std::vector<Figure> rnn_memory_figures(const std::vector<experiments::MemoryRun>& runs, int64_t rank,
                                       models::RnnActivation activation, const std::string& label);

/// Variance explained against level for pruning, noise and flipping: one series per variant x
/// mode x scope (median over draws).
std::vector<Figure> rnn_probe_figures(const std::vector<probes::SweepRow>& rows, const std::string& label);
/// Held-out accuracy of decoding the first task from visible, invisible and all overlaps, beside
/// the shuffled-label control (mean ± sd), with the 50 % chance line.
/// One protocol's bars: `name` "decode" (netprobe's) or "decode_authors"; `protocol` says how it was scored.
Figure rnn_decode_figure(const std::vector<experiments::DecodeScore>& scores, const std::string& label,
                         const std::string& name, const std::string& protocol);

}  // namespace netprobe::report
