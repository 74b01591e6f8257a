#include "probes/rnn_probes.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "probes/catalog.h"
#include "probes/score.h"

namespace netprobe::probes {

namespace {

// Vector entries are O(1) (|a|^2 / N = 1) and a perturbation reaches the overlaps averaged over
// N neurons, so the grid runs past the MLP's (which stops at 1): 2^-7 .. 2^3, 31 points.
std::vector<double> noise_grid() {
  std::vector<double> grid;
  for (int k = 0; k <= 30; ++k) grid.push_back(std::pow(2.0, -7.0 + k / 3.0));
  return grid;
}

}  // namespace

std::vector<SweepSpec> rnn_sweeps(const std::vector<std::string>& scopes) {
  std::vector<SweepSpec> specs;
  for (const auto& layer : scopes) {
    const Scope scope{layer};
    specs.push_back({"prune", "magnitude", pruning_grid(), true, true, 1, scope});
    specs.push_back({"prune", "random", pruning_grid(), true, true, 5, scope});
    specs.push_back({"binarize", "sign", {0}, true, false, 1, scope});
    specs.push_back({"binarize", "scaled", {0}, true, false, 1, scope});
    specs.push_back({"noise", "gaussian", noise_grid(), true, false, 5, scope});
    specs.push_back({"flip", "smallest", default_levels("flip"), true, false, 1, scope});
    specs.push_back({"flip", "random", default_levels("flip"), true, false, 5, scope});
    specs.push_back({"shuffle", "A", {0}, true, false, 5, scope});
    specs.push_back({"shuffle", "B", {0}, true, false, 5, scope});
  }
  return specs;
}

BatchEvaluator rnn_evaluator(const models::RnnRunConfig& config, const models::RnnTaskData& task) {
  auto rnn = std::make_shared<models::LowRankRnn>(config.rnn_options());
  const double silent = models::rnn_loss(torch::zeros_like(task.targets), task).item<double>();
  return [rnn, task, silent](const std::vector<core::NamedTensors>& sets) {
    torch::NoGradGuard no_grad;
    std::vector<train::ClassifierMetrics> out;
    for (const auto& params : sets) {
      for (const auto& [name, value] : params) (*rnn)->named_parameters()[name].copy_(value);
      const double loss = models::rnn_loss((*rnn)->forward(task.inputs), task).item<double>();
      out.push_back({loss, 100.0 * (1.0 - loss / silent), task.inputs.size(0)});
    }
    return out;
  };
}

namespace {

// Median explained % per level of one probe variant and mode in one scope.
std::map<double, double> medians(const std::vector<SweepRow>& rows, const std::string& scope, const std::string& probe,
                                 const std::string& variant, const std::string& mode) {
  std::map<double, std::vector<double>> by_level;
  for (const auto& r : rows) {
    if (r.scope == scope && r.probe == probe && r.variant == variant && r.mode == mode) {
      by_level[r.level].push_back(r.accuracy);
    }
  }
  std::map<double, double> out;
  for (auto& [level, values] : by_level) out[level] = spread(values).median;
  return out;
}

// NaN if even the first level falls below the floor.
double largest_level_keeping(const std::map<double, double>& curve, double floor) {
  double best = std::nan("");
  for (const auto& [level, value] : curve) {
    if (value < floor) break;  // the first drop ends the usable range
    best = level;
  }
  return best;
}

double at_zero(const std::map<double, double>& curve) { return curve.empty() ? 0.0 : curve.begin()->second; }

}  // namespace

std::vector<RnnProbeSummary> summarize_rnn_probes(const std::vector<SweepRow>& rows) {
  std::vector<std::string> scopes;
  double full = 0;
  for (const auto& r : rows) {
    if (r.probe == "none") full = r.accuracy;
    if (r.probe != "none" && std::find(scopes.begin(), scopes.end(), r.scope) == scopes.end()) scopes.push_back(r.scope);
  }
  std::vector<RnnProbeSummary> out;
  for (const auto& scope : scopes) {
    RnnProbeSummary s;
    s.scope = scope;
    s.full = full;
    s.binarized = at_zero(medians(rows, scope, "binarize", "sign", "full"));
    s.binarized_scaled = at_zero(medians(rows, scope, "binarize", "scaled", "full"));
    s.shuffled_a = at_zero(medians(rows, scope, "shuffle", "A", "full"));
    s.shuffled_b = at_zero(medians(rows, scope, "shuffle", "B", "full"));
    const double floor = 0.9 * full;
    s.max_prune = largest_level_keeping(medians(rows, scope, "prune", "magnitude", "full"), floor);
    s.max_prune_signed = largest_level_keeping(medians(rows, scope, "prune", "magnitude", "signed"), floor);
    s.max_noise = largest_level_keeping(medians(rows, scope, "noise", "gaussian", "full"), floor);
    out.push_back(s);
  }
  return out;
}

}  // namespace netprobe::probes
