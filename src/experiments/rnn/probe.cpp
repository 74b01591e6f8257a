#include "experiments/rnn/probe.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "probes/binarize.h"
#include "probes/noise.h"
#include "probes/presets.h"
#include "probes/prune.h"
#include "probes/row_groups.h"
#include "probes/shuffle.h"
#include "train/progress_bar.h"

namespace netprobe::experiments {

using probes::Scope;
using probes::SweepRow;
using probes::SweepSpec;

namespace {

// Level -> median explained % over draws, for one probe variant and mode in one scope.
std::map<double, double> medians(const std::vector<SweepRow>& rows, const probes::RowSelection& selection) {
  std::map<double, double> out;
  for (const auto& p : probes::pooled_curve(rows, selection)) out[p.level] = p.value.median;
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

probes::BatchEvaluator rnn_evaluator(const RnnRunConfig& config, const models::RnnTaskData& task) {
  auto rnn = std::make_shared<models::LowRankRnn>(config.rnn_options());
  const double silent = models::rnn_loss(torch::zeros_like(task.targets), task).item<double>();
  return [rnn, task, silent](const std::vector<core::NamedTensors>& sets) {
    torch::NoGradGuard no_grad;
    std::vector<probes::Evaluation> out;
    for (const auto& params : sets) {
      for (const auto& [name, value] : params) (*rnn)->named_parameters()[name].copy_(value);
      const double loss = models::rnn_loss((*rnn)->forward(task.inputs), task).item<double>();
      out.push_back({100.0 * (1.0 - loss / silent), loss});
    }
    return out;
  };
}

std::vector<RnnProbeSummary> summarize_rnn_probes(const std::vector<SweepRow>& rows) {
  std::vector<Scope> scopes;
  double full = 0;
  for (const auto& r : rows) {
    if (r.probe.is_intact()) {
      full = r.value;
    } else if (std::find(scopes.begin(), scopes.end(), r.scope) == scopes.end()) {
      scopes.push_back(r.scope);
    }
  }
  std::vector<RnnProbeSummary> out;
  for (const auto& scope : scopes) {
    RnnProbeSummary s;
    s.scope = scope.label();
    s.full = full;
    using probes::Mode;
    s.binarized = at_zero(medians(rows, {probes::binarize_probe(), "sign", Mode::kFull, scope}));
    s.binarized_scaled = at_zero(medians(rows, {probes::binarize_probe(), "scaled", Mode::kFull, scope}));
    s.shuffled_a = at_zero(medians(rows, {probes::shuffle_probe(), "A", Mode::kFull, scope}));
    s.shuffled_b = at_zero(medians(rows, {probes::shuffle_probe(), "B", Mode::kFull, scope}));
    const double floor = 0.9 * full;
    s.max_prune = largest_level_keeping(medians(rows, {probes::prune_probe(), "magnitude", Mode::kFull, scope}), floor);
    s.max_prune_signed =
        largest_level_keeping(medians(rows, {probes::prune_probe(), "magnitude", Mode::kSigned, scope}), floor);
    s.max_noise = largest_level_keeping(medians(rows, {probes::noise_probe(), "gaussian", Mode::kFull, scope}), floor);
    out.push_back(s);
  }
  return out;
}

void RnnProbeConfig::validate() const {
  for (const auto& s : scopes) {
    const Scope scope = Scope::parse(s);
    for (const auto& part : scope.layers()) {
      if (part != "m" && part != "U" && part != "V" && part != "z") {
        throw core::UsageError(fmt::format("--scopes: unknown vector '{}' in '{}' (m, U, V, z, all)", part, s));
      }
    }
  }
  if (scopes.empty() && !profile) throw core::UsageError("--scopes: need at least one scope");
}

std::vector<Scope> RnnProbeConfig::probed_scopes() const {
  std::vector<Scope> probed;
  for (const auto& s : scopes) probed.push_back(Scope::parse(s));
  if (profile) {
    for (const char* vector : {"m", "U", "V", "z"}) probed.push_back(Scope::parse(vector));
  }
  return probed;
}

core::Json RnnProbeResult::to_json() const {
  core::Json scopes = core::Json::array();
  for (const auto& s : summary) {
    scopes.push_back({{"scope", s.scope},
                      {"full", s.full},
                      {"binarized", s.binarized},
                      {"binarized_scaled", s.binarized_scaled},
                      {"shuffled_a", s.shuffled_a},
                      {"shuffled_b", s.shuffled_b},
                      {"max_prune_keeping_90pct", s.max_prune},
                      {"max_prune_signed_keeping_90pct", s.max_prune_signed},
                      {"max_noise_keeping_90pct", s.max_noise}});
  }
  core::Json rows_json = core::Json::array();
  for (const auto& r : rows) rows_json.push_back(r.to_json());
  return {{"config", run.to_json()}, {"scopes", scopes}, {"evaluations", rows.size()}, {"rows", rows_json}};
}

RnnProbeResult RnnProbeResult::from_json(const core::Json& json, const std::string& source) {
  RnnProbeResult r;
  r.run = RnnRunConfig::from_json(json.at("config"), source);
  r.rows = probes::rows_from_json(json.at("rows"), source);
  r.summary = summarize_rnn_probes(r.rows);  // derived, so it always agrees with the rows
  return r;
}

RnnProbeResult run_rnn_probe(const RnnProbeConfig& config, const core::RunContext& context) {
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnProbe);
  const RnnRun run = load_rnn_run(config.model);
  const models::RnnTaskData task = run.config.task_data();
  RnnProbeResult result;
  result.run = run.config;
  const std::vector<probes::SweepSpec> specs = probes::rnn_preset(config.probed_scopes());
  train::ProgressBar bar("rnn probe", probes::count_evaluations(specs), context.progress);
  probes::SweepContext sweep{run.config.task, run.config.seed};
  sweep.metric = probes::Metric::kVarianceExplained;
  sweep.progress = [&](int64_t done, int64_t) { bar.update(done, ""); };
  const core::NamedTensors params = core::parameters_of(*run.rnn);
  const probes::ProbeTarget target{params, models::layers_of_named_parameters(params), probes::RoleSet::weights()};
  result.rows = probes::run_sweeps(target, specs, rnn_evaluator(run.config, task), sweep);
  bar.finish();
  result.summary = summarize_rnn_probes(result.rows);
  if (config.out.empty()) return result;
  core::StagedDirectory staged(config.out, core::kind::kRnnProbe);
  core::write_file_atomic(staged.staging() / "rows.csv", probes::rows_to_csv(result.rows));
  core::write_json(staged.staging() / "result.json", result.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnProbe,
                   {{"model", config.model.string()}, {"scopes", config.scopes}, {"profile", config.profile}});
  staged.commit();
  return result;
}

std::string format_rnn_probe(const RnnProbeResult& r) {
  std::string out = fmt::format("rnn probe {} ({} N={} R={}), variance explained %: trained {:.2f}\n", r.run.task,
                                models::to_string(r.run.activation), r.run.n, r.run.rank,
                                r.summary.empty() ? 0.0 : r.summary.front().full);
  out += fmt::format("{:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>13} {:>9}\n", "scope", "sign", "scaled", "shuf A",
                     "shuf B", "prune p90", "prune>sign90", "noise90");
  for (const auto& s : r.summary) {
    out += fmt::format("{:>6} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>10.3g} {:>13.3g} {:>9.3g}\n", s.scope, s.binarized,
                       s.binarized_scaled, s.shuffled_a, s.shuffled_b, s.max_prune, s.max_prune_signed, s.max_noise);
  }
  return out;
}

}  // namespace netprobe::experiments
