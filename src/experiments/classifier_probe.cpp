#include "experiments/classifier_probe.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "probes/catalog.h"
#include "probes/compression.h"
#include "probes/row_groups.h"
#include "core/atomic_file.h"
#include "core/errors.h"

namespace netprobe::experiments {
namespace {

probes::SweepSpec base_sweep(const ClassifierProbeConfig& c) {
  const probes::ProbeInfo& info = probes::probe_info(c.probe);
  probes::SweepSpec spec;
  spec.probe = c.probe;
  spec.variant = c.variant.empty() ? info.variants.front() : c.variant;
  spec.levels = c.levels.empty() ? probes::default_levels(c.probe) : c.levels;
  spec.signed_ = c.with_signed;
  spec.draws = c.draws;
  return spec;
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

std::vector<probes::SweepSpec> ClassifierProbeConfig::sweeps(const std::vector<std::string>& layers) const {
  probes::SweepSpec spec = base_sweep(*this);
  spec.scope = probes::Scope{scope == "all" ? "" : scope};
  std::vector<probes::SweepSpec> specs{spec};
  if (layer_profile) {
    for (const auto& layer : layers) {
      if (layer == scope) continue;
      spec.scope = probes::Scope{layer};
      specs.push_back(spec);
    }
  }
  return specs;
}

void ClassifierProbeConfig::validate() const {
  if (draws < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", draws));
  const probes::SweepSpec spec = base_sweep(*this);  // unknown probe: usage error
  probes::make_probe(spec.probe, spec.variant);      // unknown variant: usage error before any work
  probes::validate_levels(spec.probe, spec.levels);
}

ClassifierProbeResult run_classifier_probe(const ClassifierProbeConfig& config) {
  config.validate();
  const ProbeModel model = load_probe_model(config.source);
  check_scope(model, config.scope);
  const std::vector<probes::SweepSpec> specs = config.sweeps(model.layers);
  ClassifierProbeResult result;
  for (const auto& spec : specs) {
    const std::string label = spec.scope.label();
    result.sigma_w[label] = probes::scope_sigma(model.params, label);
  }
  result.rows = probes::run_sweeps(model.params, specs, model.evaluate, {model.task, model.seed});
  if (config.out) core::write_file_atomic(*config.out, probes::rows_to_csv(result.rows));
  return result;
}

std::string format_probe_table(const ClassifierProbeResult& result) {
  const auto& rows = result.rows;
  std::string out;
  std::vector<std::string> scopes;  // in row order
  const probes::SweepRow* probed = nullptr;
  for (const auto& r : rows) {
    if (r.probe == "none") out += fmt::format("{}: unperturbed test accuracy {:.2f}%\n", r.task, r.accuracy);
    if (r.probe == "none") continue;
    if (probed == nullptr) probed = &r;
    if (std::find(scopes.begin(), scopes.end(), r.scope) == scopes.end()) scopes.push_back(r.scope);
  }
  if (probed == nullptr) return out;
  const probes::ProbeInfo& info = probes::probe_info(probed->probe);
  const bool noise = info.level_name == "a";
  const bool level_free = info.level_name.empty();
  for (const auto& scope : scopes) {
    const auto sigma = result.sigma_w.find(scope);
    const double sigma_w = sigma == result.sigma_w.end() ? 0.0 : sigma->second;
    out += fmt::format("probe {}, variant {}, scope {}", probed->probe, probed->variant, scope);
    out += noise ? fmt::format(" (σ(w) = {:.4g})\n", sigma_w) : "\n";
    std::string header = level_free ? "" : fmt::format("{:>10} ", info.level_name);
    if (noise) header += fmt::format("{:>8} ", "a/σ(w)");
    out += header + fmt::format("{:>10} {:>7} {:>10} {:>7} {:>6}\n", "full %", "± sd", "signed %", "± sd", "draws");
    // level -> mode -> every draw's accuracy (one model, so one seed)
    std::map<double, std::map<std::string, std::vector<double>>> table;
    for (const char* mode : {"full", "signed"}) {
      const probes::RowSelection selection{probed->probe, probed->variant, mode, scope};
      for (const auto& [level, seeds] : probes::group_rows(rows, selection)) {
        for (const auto& [seed, values] : seeds) table[level][mode] = values;
      }
    }
    for (const auto& [level, modes] : table) {
      const auto cells = [&](const std::string& m) {
        const auto it = modes.find(m);
        if (it == modes.end()) return fmt::format("{:>10} {:>7}", "-", "-");
        const auto [mean, sd] = mean_std(it->second);
        return fmt::format("{:>10.2f} {:>7.2f}", mean, sd);
      };
      std::string line = level_free ? "" : fmt::format("{:>10.4g} ", level);
      if (noise) line += sigma_w > 0 ? fmt::format("{:>8.3g} ", level / sigma_w) : fmt::format("{:>8} ", "-");
      out += line + fmt::format("{} {} {:>6}\n", cells("full"), cells("signed"), modes.begin()->second.size());
    }
  }
  return out;
}

}  // namespace netprobe::experiments
