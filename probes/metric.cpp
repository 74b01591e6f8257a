#include "probes/metric.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::probes {

const std::string& metric_name(Metric metric) {
  static const std::string accuracy = "accuracy", variance_explained = "variance_explained";
  return metric == Metric::kAccuracy ? accuracy : variance_explained;
}

Metric parse_metric(const std::string& name) {
  for (Metric m : {Metric::kAccuracy, Metric::kVarianceExplained}) {
    if (metric_name(m) == name) return m;
  }
  throw core::Error(fmt::format("unknown metric '{}' (accuracy, variance_explained)", name));
}

}  // namespace netprobe::probes
