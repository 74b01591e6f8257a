#include "probes/metric.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::probes {

namespace {

constexpr Metric kAll[] = {Metric::kAccuracy, Metric::kTop5, Metric::kMacroF1, Metric::kLoss,
                           Metric::kVarianceExplained};

}  // namespace

const std::string& metric_name(Metric metric) {
  static const std::string names[] = {"accuracy", "top5", "macro_f1", "loss", "variance_explained"};
  return names[static_cast<int>(metric)];
}

Metric parse_metric(const std::string& name) {
  for (Metric m : kAll) {
    if (metric_name(m) == name) return m;
  }
  throw core::Error(fmt::format("unknown metric '{}' (accuracy, top5, macro_f1, loss, variance_explained)", name));
}

Metric parse_classifier_metric(const std::string& name) {
  for (Metric m : {Metric::kAccuracy, Metric::kTop5, Metric::kMacroF1, Metric::kLoss}) {
    if (metric_name(m) == name) return m;
  }
  throw core::UsageError(fmt::format("--metric: unknown metric '{}' (accuracy, top5, macro_f1, loss)", name));
}

bool higher_is_better(Metric metric) { return metric != Metric::kLoss; }

double drop_of(Metric metric, double intact, double probed) {
  return higher_is_better(metric) ? intact - probed : probed - intact;
}

}  // namespace netprobe::probes
