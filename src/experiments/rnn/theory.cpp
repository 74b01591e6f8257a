#include "experiments/rnn/theory.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "models/rnn/visible_flow.h"

namespace netprobe::experiments {

using core::Json;

namespace {

// One GD step from the run's initial network, against one step of the exact map from its Sigma.
double first_step_error(const RnnRunConfig& config) {
  RnnRunConfig one = config;
  one.epochs = 1;
  one.track_every = 1;
  models::LowRankRnn rnn(one.rnn_options());
  const auto sim = train_rnn(one, rnn, false);
  const auto theory = theory_trajectory(sim.front().sigma, one.task_data(), one);
  const torch::Tensor step_sim = sim.back().sigma - sim.front().sigma;
  const torch::Tensor step_theory = theory.back().sigma - theory.front().sigma;
  return ((step_theory - step_sim).abs().max() / step_sim.abs().max()).item<double>();
}

// overlaps.csv's lines of every trajectory, each prefixed with its N and source.
std::string trajectories_csv(const TheoryResult& result) {
  const int64_t rank = result.base.rank;
  std::string out = "n,source," + overlaps_csv_header(rank) + "\n";
  const auto add = [&](int64_t n, const std::string& source, const std::vector<models::OverlapRecord>& records) {
    for (const auto& r : records) out += fmt::format("{},{},", n, source) + overlaps_csv_line(r, rank);
  };
  for (const auto& c : result.comparisons) {
    add(c.n, "gd", c.gd);
    for (const auto& [source, records] : c.predicted) add(c.n, source, records);
  }
  return out;
}

Json drifts_to_json(const NamedDrifts& drifts) {
  Json out = Json::object();
  for (const auto& [name, value] : drifts) out[name] = value;
  return out;
}

NamedDrifts drifts_from_json(const Json& json) {
  NamedDrifts out;
  for (const auto& [name, value] : json.items()) out.emplace_back(name, core::number_or_nan(value));
  return out;
}

}  // namespace

TheoryComparison compare_with_theory(const RnnRunConfig& config, models::Integrator integrator, bool progress) {
  models::LowRankRnn rnn(config.rnn_options());
  const auto sim = train_rnn(config, rnn, progress);
  const auto theory = theory_trajectory(sim.front().sigma, config.task_data(), config, integrator);
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
  out.sim_invariant_drift =
      models::invariant_drifts(sim.front().sigma, sim.back().sigma, config.rank, config.activation);
  out.theory_invariant_drift =
      models::invariant_drifts(theory.front().sigma, theory.back().sigma, config.rank, config.activation);
  out.first_step_error = first_step_error(config);
  out.gd = sim;
  for (auto other : {models::Integrator::kMap, models::Integrator::kEuler, models::Integrator::kRk4}) {
    out.predicted[models::to_string(other)] =
        other == integrator ? theory : theory_trajectory(sim.front().sigma, config.task_data(), config, other);
  }
  if (config.activation == models::RnnActivation::kLinear && !config.draws_fresh_trials()) {
    const RnnTaskData task = config.task_data();
    const models::TaskOfEpoch fixed = [&](int) -> const RnnTaskData& { return task; };
    const int64_t k = config.rank + 1;
    const auto visible = [&](const torch::Tensor& s) { return s.narrow(0, 0, k).narrow(1, k, k); };
    for (auto [name, flow, error] : {std::tuple{"balanced", models::VisibleFlow::kBalanced, &out.balanced_flow_error},
                                     std::tuple{"plain", models::VisibleFlow::kPlain, &out.plain_flow_error}}) {
      const auto records =
          models::visible_flow_trajectory(sim.front().sigma, fixed, config.dynamics(), config.gd_schedule(), flow);
      *error = 0;
      for (size_t i = 1; i < std::min(sim.size(), records.size()); ++i) {
        const torch::Tensor x = visible(sim[i].sigma);
        *error =
            models::max_keep_nan(*error, ((visible(records[i].sigma) - x).abs().max() / x.abs().max()).item<double>());
      }
      out.predicted[name] = records;
    }
  }
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
                       {"first_step_error", c.first_step_error},
                       {"sim_invariant_drift", drifts_to_json(c.sim_invariant_drift)},
                       {"theory_invariant_drift", drifts_to_json(c.theory_invariant_drift)},
                       {"epochs", c.epochs},
                       {"overlap_error_by_epoch", c.overlap_error_by_epoch},
                       {"gd", c.gd},
                       {"predicted", c.predicted},
                       {"balanced_flow_error", c.balanced_flow_error},
                       {"plain_flow_error", c.plain_flow_error}});
  }
  return {{"config", base.to_json()}, {"integrator", models::to_string(integrator)}, {"results", results}};
}

TheoryResult TheoryResult::from_json(const Json& json, const std::string& source) {
  TheoryResult r;
  r.base = RnnRunConfig::from_json(json.at("config"), source);
  try {
    r.integrator = models::parse_integrator(json.value("integrator", std::string("map")));
    for (const auto& j : json.at("results")) {
      TheoryComparison c;
      c.n = j.at("n").get<int64_t>();
      core::read_field(j, "max_overlap_error", c.max_overlap_error);
      core::read_field(j, "max_loss_error", c.max_loss_error);
      core::read_field(j, "first_step_error", c.first_step_error);
      c.sim_invariant_drift = drifts_from_json(j.at("sim_invariant_drift"));
      c.theory_invariant_drift = drifts_from_json(j.at("theory_invariant_drift"));
      c.epochs = j.at("epochs").get<std::vector<int>>();
      core::read_field(j, "overlap_error_by_epoch", c.overlap_error_by_epoch);
      if (j.contains("gd")) c.gd = j.at("gd").get<std::vector<models::OverlapRecord>>();  // absent from older results
      if (j.contains("predicted")) {
        c.predicted = j.at("predicted").get<std::map<std::string, std::vector<models::OverlapRecord>>>();
      }
      if (j.contains("balanced_flow_error")) {  // absent from older results
        core::read_field(j, "balanced_flow_error", c.balanced_flow_error);
        core::read_field(j, "plain_flow_error", c.plain_flow_error);
      }
      r.comparisons.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid theory result ({})", source, e.what()));
  }
  return r;
}

TheoryResult run_rnn_theory(const TheoryConfig& config, const core::RunContext& context,
                            const std::function<void(const TheoryComparison&)>& on_size) {
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnTheory);
  TheoryResult result;
  result.base = config.base;
  result.integrator = config.integrator;
  for (int64_t n : config.sizes) {
    RnnRunConfig c = config.base;
    c.n = n;
    result.comparisons.push_back(compare_with_theory(c, config.integrator, context.progress));
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
  core::write_file_atomic(staged.staging() / "trajectories.csv", trajectories_csv(result));
  core::write_json(staged.staging() / "result.json", result.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnTheory,
                   {{"config", config.base.to_json()},
                    {"sizes", config.sizes},
                    {"integrator", models::to_string(config.integrator)}});
  staged.commit();
  return result;
}

std::string theory_table_header(models::RnnActivation activation) {
  std::string header =
      fmt::format("{:>7} {:>18} {:>16} {:>16}", "N", "max overlap error", "max loss error", "first-step error");
  const torch::Tensor sigma = torch::eye(4, torch::kFloat64);  // names only
  for (const auto& q : models::conserved_quantities(sigma, 1, activation)) {
    header += fmt::format(" {:>26}", fmt::format("drift {} (GD/pred)", q.name));
  }
  return header + "\n";
}

std::string theory_table_line(const TheoryComparison& r) {
  std::string line = fmt::format("{:>7} {:>18.3e} {:>16.3e} {:>16.3e}", r.n, r.max_overlap_error, r.max_loss_error,
                                 r.first_step_error);
  for (size_t i = 0; i < r.sim_invariant_drift.size() && i < r.theory_invariant_drift.size(); ++i) {
    line += fmt::format(
        " {:>26}", fmt::format("{:.2e}/{:.2e}", r.sim_invariant_drift[i].second, r.theory_invariant_drift[i].second));
  }
  return line + "\n";
}

std::string format_visible_flows(const TheoryResult& result) {
  std::string out;
  for (const auto& c : result.comparisons) {
    if (std::isnan(c.balanced_flow_error)) continue;
    out += fmt::format(
        "N {}: visible overlaps alone (Sigma_AB), max error vs GD: balanced flow {:.3e}, plain "
        "gradient flow {:.3e}\n",
        c.n, c.balanced_flow_error, c.plain_flow_error);
  }
  if (!out.empty()) {
    out += "  (balanced: exact for a balanced start, K = 0, up to O(eta); plain: the invisible overlaps frozen)\n";
  }
  return out;
}

std::string format_theory_slope(const TheoryResult& result) {
  const ClosureErrorFit fit = fit_first_step_error(result.comparisons);
  if (std::isnan(fit.slope) || result.base.activation == models::RnnActivation::kLinear) return "";
  std::vector<std::string> points, locals;
  for (size_t i = 0; i < fit.n.size(); ++i) points.push_back(fmt::format("N {}: {:.2e}", fit.n[i], fit.error[i]));
  for (double s : fit.local_slopes) locals.push_back(fmt::format("{:.2f}", s));
  std::string out = fmt::format("first-step error by N: {}\n", fmt::join(points, ", "));
  if (fit.power_law) {
    return out + fmt::format(
                     "  a power law: ~ N^{:.2f} (between consecutive sizes {}; the Gaussian closure's error "
                     "falls like N^-0.5)\n",
                     fit.slope, fmt::join(locals, ", "));
  }
  if (fit.n.size() < 3) {
    return out + fmt::format("  slope {:.2f} between the two sizes (two sizes cannot show a power law)\n", fit.slope);
  }
  return out + fmt::format(
                   "  not a power law: slopes between consecutive sizes {} (no single exponent fits; a "
                   "least-squares N^{:.2f} would hide that)\n",
                   fmt::join(locals, ", "), fit.slope);
}

ClosureErrorFit fit_first_step_error(const std::vector<TheoryComparison>& comparisons) {
  ClosureErrorFit fit;
  std::vector<const TheoryComparison*> sorted;
  for (const auto& c : comparisons) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->n < b->n; });
  std::vector<double> x, y;
  for (const auto* c : sorted) {
    fit.n.push_back(c->n);
    fit.error.push_back(c->first_step_error);
    if (!(c->first_step_error > 0) || c->n <= 0) return fit;
    x.push_back(std::log(static_cast<double>(c->n)));
    y.push_back(std::log(c->first_step_error));
  }
  if (x.size() < 2) return fit;
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / static_cast<double>(x.size());
    my += y[i] / static_cast<double>(x.size());
  }
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  if (!(sxx > 0)) return fit;
  fit.slope = sxy / sxx;
  for (size_t i = 0; i + 1 < x.size(); ++i) fit.local_slopes.push_back((y[i + 1] - y[i]) / (x[i + 1] - x[i]));
  fit.power_law = x.size() >= 3 && std::all_of(fit.local_slopes.begin(), fit.local_slopes.end(), [&](double s) {
                    return std::abs(s - fit.slope) <= ClosureErrorFit::kPowerLawTolerance;
                  });
  return fit;
}

}  // namespace netprobe::experiments
