#include "experiments/probe.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/text.h"
#include "probes/compression.h"
#include "probes/registry.h"
#include "probes/row_groups.h"
#include "train/progress_bar.h"

namespace netprobe::experiments {
namespace {

// UsageError naming --probe or --variant for a name the registry does not have.
probes::SweepSpec base_sweep(const ProbeConfig& c) {
  const probes::ProbeDefinition& probe = probes::find_probe(c.probe);
  probes::SweepSpec spec(probe, c.variant.empty() ? probe.default_variant() : c.variant);
  if (!c.levels.empty()) spec.levels(c.levels);
  return spec.with_signed(c.with_signed).draws(c.draws);
}

/// Mean and standard deviation (n - 1) of the draws.
std::pair<double, double> mean_std(const std::vector<double>& v) {
  const double mean = probes::mean_of(v);
  if (v.size() < 2) return {mean, 0.0};
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / static_cast<double>(v.size() - 1))};
}

}  // namespace

std::vector<probes::SweepSpec> ProbeConfig::sweeps(const std::vector<std::string>& layers) const {
  probes::SweepSpec spec = base_sweep(*this);
  std::vector<probes::SweepSpec> specs{spec.scope(probes::Scope::parse(scope))};
  if (layer_profile) {
    for (const auto& layer : layers) {
      if (layer != scope) specs.push_back(spec.scope(probes::Scope::parse(layer)));
    }
  }
  return specs;
}

void ProbeConfig::validate() const {
  base_sweep(*this).validate();  // unknown probe or variant, bad levels or draws: before any work
  probes::RoleSet::parse_include(source.include);
}

ProbeResult run_probe(const ProbeConfig& config, const core::RunContext& context) {
  config.validate();
  const ProbeModel model = load_probe_model(config.source, context);
  check_scope(model.target, config.scope);
  const std::vector<probes::SweepSpec> specs = config.sweeps(model.target.probed_layers());
  ProbeResult result;
  for (const auto& spec : specs) {
    result.sigma_w[spec.scope().label()] = probes::weight_sigma(model.target.params, model.target.select(spec.scope()));
  }
  // A bar on a terminal; otherwise a log line every 10 s (SLURM, nohup).
  train::ProgressBar bar("probe", probes::count_evaluations(specs), context.progress);
  probes::SweepContext sweep{model.task, model.seed};
  sweep.progress = [&](int64_t done, int64_t total) {
    bar.update(done, fmt::format("{} of {} evaluations", done, total));
  };
  result.rows = probes::run_sweeps(model.target, specs, model.evaluate, sweep);
  bar.finish();
  if (config.out) core::write_file_atomic(*config.out, probes::rows_to_csv(result.rows));
  return result;
}

std::string format_probe_table(const ProbeResult& result) {
  const auto& rows = result.rows;
  std::string out;
  std::vector<probes::Scope> scopes;  // in row order
  const probes::SweepRow* probed = nullptr;
  for (const auto& r : rows) {
    if (r.probe.is_intact()) {
      out += fmt::format("{}: unperturbed test accuracy {:.2f}%\n", r.task, r.value);
      continue;
    }
    if (probed == nullptr) probed = &r;
    if (std::find(scopes.begin(), scopes.end(), r.scope) == scopes.end()) scopes.push_back(r.scope);
  }
  if (probed == nullptr) return out;
  const probes::ProbeDefinition& probe = probed->probe.definition();
  const bool noise = probe.level.kind == probes::LevelKind::kAmplitude;
  const bool level_free = probe.level_free();
  for (const auto& scope : scopes) {
    const auto sigma = result.sigma_w.find(scope.label());
    const double sigma_w = sigma == result.sigma_w.end() ? 0.0 : sigma->second;
    out += fmt::format("probe {}, variant {}, scope {}", probe.name, probed->variant, scope.label());
    out += noise ? fmt::format(" (σ(w) = {:.4g})\n", sigma_w) : "\n";
    std::vector<std::string> headers;
    if (!level_free) headers.push_back(probe.level.symbol);
    if (noise) headers.push_back("a/σ(w)");
    for (const char* h : {"full %", "± sd", "signed %", "± sd", "draws"}) headers.push_back(h);
    core::TextTable lines(headers, "r");
    // level -> mode -> every draw's accuracy (one model, so one seed)
    std::map<double, std::map<probes::Mode, std::vector<double>>> table;
    for (const probes::Mode mode : {probes::Mode::kFull, probes::Mode::kSigned}) {
      const probes::RowSelection selection{probed->probe, probed->variant, mode, scope};
      for (const auto& [level, seeds] : probes::group_rows(rows, selection)) {
        for (const auto& [seed, values] : seeds) table[level][mode] = values;
      }
    }
    for (const auto& [level, modes] : table) {
      std::vector<std::string> line;
      if (!level_free) line.push_back(fmt::format("{:.4g}", level));
      if (noise) line.push_back(sigma_w > 0 ? fmt::format("{:.3g}", level / sigma_w) : "-");
      for (const probes::Mode m : {probes::Mode::kFull, probes::Mode::kSigned}) {
        const auto it = modes.find(m);
        const auto [mean, sd] = it == modes.end() ? std::pair<double, double>{NAN, NAN} : mean_std(it->second);
        line.push_back(core::number_or_dash(mean, "{:.2f}"));
        // One draw has no spread: "-", not 0.00.
        line.push_back(it == modes.end() || it->second.size() < 2 ? "-" : fmt::format("{:.2f}", sd));
      }
      line.push_back(std::to_string(modes.begin()->second.size()));
      lines.add(line);
    }
    out += lines.str();
  }
  return out;
}

}  // namespace netprobe::experiments
