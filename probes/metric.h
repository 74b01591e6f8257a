#pragma once
/// The number a sweep row scores its network by, named in CSV headers and JSON keys.
///
///   row.metric == Metric::kAccuracy;   metric_name(Metric::kVarianceExplained) == "variance_explained"
#include <string>

namespace netprobe::probes {

enum class Metric {
  kAccuracy,           ///< percent of test examples classified right (argmax)
  kVarianceExplained,  ///< an RNN's 100 (1 - L / L0), L0 the loss of a silent network
};

/// "accuracy", "variance_explained".
const std::string& metric_name(Metric metric);
/// The inverse of metric_name; core::Error naming the unknown text.
Metric parse_metric(const std::string& name);

}  // namespace netprobe::probes
