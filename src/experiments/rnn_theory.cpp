#include "src/experiments/rnn_theory.h"

#include <cmath>

#include <fmt/format.h>

#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/core/run_dir.h"

namespace netprobe::experiments {

using core::Json;

TheoryComparison compare_with_theory(const RnnRunConfig& config, bool progress) {
  models::LowRankRnn rnn(config.rnn_options());
  const auto sim = train_rnn(config, rnn, progress);
  const auto theory = theory_trajectory(sim.front().sigma, config.task_data(), config);
  TheoryComparison out;
  out.n = config.n;
  for (size_t k = 1; k < std::min(sim.size(), theory.size()); ++k) {
    const torch::Tensor& s = sim[k].sigma;
    const double err = ((theory[k].sigma - s).abs().max() / s.abs().max()).item<double>();
    out.overlap_error_by_epoch.push_back(err);
    out.epochs.push_back(sim[k].epoch);
    out.max_overlap_error = models::max_keep_nan(out.max_overlap_error, err);
    out.max_loss_error =
        models::max_keep_nan(out.max_loss_error, std::abs(theory[k].loss - sim[k].loss) / std::abs(sim[k].loss));
  }
  const torch::Tensor before = models::flow_invariants(sim.front().sigma, config.rank);
  const torch::Tensor after = models::flow_invariants(sim.back().sigma, config.rank);
  out.invariant_drift = ((after - before).abs().max() / before.abs().max()).item<double>();
  return out;
}

void TheoryConfig::validate() const {
  base.validate();
  if (!base.is_gd()) throw core::UsageError("--optimizer: the overlap theory follows GD; use gd");
  if (sizes.empty()) throw core::UsageError("--n: need at least one network size");
  for (int64_t n : sizes) {
    RnnRunConfig c = base;
    c.n = n;
    c.validate();
  }
}

Json TheoryResult::to_json() const {
  Json results = Json::array();
  for (const auto& c : comparisons) {
    results.push_back({{"n", c.n},
                       {"max_overlap_error", c.max_overlap_error},
                       {"max_loss_error", c.max_loss_error},
                       {"invariant_drift", c.invariant_drift},
                       {"epochs", c.epochs},
                       {"overlap_error_by_epoch", c.overlap_error_by_epoch}});
  }
  return {{"config", base.to_json()}, {"results", results}};
}

TheoryResult TheoryResult::from_json(const Json& json, const std::string& source) {
  TheoryResult r;
  r.base = RnnRunConfig::from_json(json.at("config"), source);
  try {
    for (const auto& j : json.at("results")) {
      TheoryComparison c;
      c.n = j.at("n").get<int64_t>();
      c.max_overlap_error = core::number_or_nan(j.at("max_overlap_error"));
      c.max_loss_error = core::number_or_nan(j.at("max_loss_error"));
      c.invariant_drift = core::number_or_nan(j.at("invariant_drift"));
      c.epochs = j.at("epochs").get<std::vector<int>>();
      for (const auto& e : j.at("overlap_error_by_epoch")) c.overlap_error_by_epoch.push_back(core::number_or_nan(e));
      r.comparisons.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid theory result ({})", source, e.what()));
  }
  return r;
}

TheoryResult run_rnn_theory(const TheoryConfig& config, const std::function<void(const TheoryComparison&)>& on_size) {
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnTheory);
  TheoryResult result;
  result.base = config.base;
  for (int64_t n : config.sizes) {
    RnnRunConfig c = config.base;
    c.n = n;
    result.comparisons.push_back(compare_with_theory(c, config.progress));
    if (on_size) on_size(result.comparisons.back());
  }
  if (config.out.empty()) return result;
  core::StagedDirectory staged(config.out, core::kind::kRnnTheory);
  std::string csv = "n,epoch,overlap_error\n";
  for (const auto& r : result.comparisons) {
    for (size_t i = 0; i < r.epochs.size(); ++i)
      csv += fmt::format("{},{},{}\n", r.n, r.epochs[i], r.overlap_error_by_epoch[i]);
  }
  core::write_file_atomic(staged.staging() / "theory.csv", csv);
  core::write_json(staged.staging() / "result.json", result.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnTheory,
                   {{"config", config.base.to_json()}, {"sizes", config.sizes}});
  staged.commit();
  return result;
}

std::string theory_table_header() {
  return fmt::format("{:>7} {:>18} {:>16} {:>18}\n", "N", "max overlap error", "max loss error", "invariant drift");
}

std::string theory_table_line(const TheoryComparison& r) {
  return fmt::format("{:>7} {:>18.3e} {:>16.3e} {:>18.3e}\n", r.n, r.max_overlap_error, r.max_loss_error,
                     r.invariant_drift);
}

}  // namespace netprobe::experiments
