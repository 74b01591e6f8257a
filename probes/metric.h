#pragma once
/// The number a sweep row scores its network by, named in CSV headers and JSON keys, and how a
/// drop in it is measured.
///
///   row.metric == Metric::kAccuracy;   metric_name(Metric::kVarianceExplained) == "variance_explained"
///   drop_of(Metric::kLoss, 0.30, 0.45) == 0.15                // a higher loss is worse
#include <string>

namespace netprobe::probes {

enum class Metric {
  kAccuracy,           ///< percent of test examples classified right (argmax)
  kTop5,               ///< percent with the label among the five highest scores
  kMacroF1,            ///< percent: the mean over classes of each class's F1
  kLoss,               ///< the mean loss (the evaluator's: NLL or cross-entropy)
  kVarianceExplained,  ///< an RNN's 100 (1 - L / L0), L0 the loss of a silent network
};

/// "accuracy", "top5", "macro_f1", "loss", "variance_explained".
const std::string& metric_name(Metric metric);
/// The inverse of metric_name; core::Error naming the unknown text.
Metric parse_metric(const std::string& name);
/// The metrics a classifier can be compressed by (`compress --metric`); UsageError naming
/// --metric otherwise.
Metric parse_classifier_metric(const std::string& name);
/// False for the loss: lower is better.
bool higher_is_better(Metric metric);
/// How much worse `probed` is than `intact` (positive: worse), in the metric's own units.
double drop_of(Metric metric, double intact, double probed);

}  // namespace netprobe::probes
