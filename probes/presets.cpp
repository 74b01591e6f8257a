#include "probes/presets.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"
#include "probes/binarize.h"
#include "probes/flip.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/shuffle.h"

namespace netprobe::probes {

std::vector<const ProbeDefinition*> study_probes(const std::vector<std::string>& names) {
  const std::vector<std::string> known = study_probe_names();
  for (const auto& name : names) {
    if (name != "combined" && std::find(known.begin(), known.end(), name) == known.end()) {
      throw core::UsageError(fmt::format("--probes: unknown probe '{}' (known: {})", name, fmt::join(known, ", ")));
    }
  }
  const auto named = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end() ||
           (name == "prune-shuffle" && std::find(names.begin(), names.end(), "combined") != names.end());
  };
  std::vector<const ProbeDefinition*> selected;
  for (const ProbeDefinition* p : registered_probes()) {
    if (!p->study_variants.empty() && named(p->name)) selected.push_back(p);
  }
  return selected;
}

std::vector<SweepSpec> study_preset(const std::vector<const ProbeDefinition*>& probes, int draws) {
  std::vector<SweepSpec> specs;
  for (const ProbeDefinition* probe : probes) {
    for (const auto& variant : probe->study_variants) specs.push_back(SweepSpec(*probe, variant).draws(draws));
  }
  return specs;
}

std::vector<SweepSpec> layer_profile_preset(const std::vector<std::string>& layers, int draws) {
  std::vector<SweepSpec> specs;
  for (const auto& layer : layers) {
    const Scope scope = Scope::parse(layer);
    specs.push_back(SweepSpec(prune_probe(), "magnitude").draws(draws).scope(scope));
    specs.push_back(SweepSpec(binarize_probe(), "sign").draws(draws).scope(scope));
    specs.push_back(SweepSpec(shuffle_probe(), "B").draws(draws).scope(scope));
    // The rest of the per-layer compression answer (probes/compression.h), full precision only.
    specs.push_back(SweepSpec(prune_probe(), "random").full_only().draws(draws).scope(scope));
    specs.push_back(SweepSpec(noise_probe(), "uniform").full_only().draws(draws).scope(scope));
  }
  return specs;
}

std::vector<SweepSpec> compression_preset(const std::vector<Scope>& scopes, int draws) {
  std::vector<SweepSpec> specs;
  for (const Scope& scope : scopes) {
    specs.push_back(SweepSpec(prune_probe(), "magnitude").full_only().draws(1).scope(scope));
    specs.push_back(SweepSpec(prune_probe(), "random").full_only().draws(draws).scope(scope));
    specs.push_back(SweepSpec(noise_probe(), "uniform").full_only().draws(draws).scope(scope));
    specs.push_back(SweepSpec(binarize_probe(), "sign").draws(1).scope(scope));
    specs.push_back(SweepSpec(shuffle_probe(), "B").full_only().draws(draws).scope(scope));
  }
  return specs;
}

std::vector<double> rnn_noise_grid() {
  std::vector<double> grid;
  for (int k = 0; k <= 30; ++k) grid.push_back(std::pow(2.0, -7.0 + k / 3.0));
  return grid;
}

std::vector<SweepSpec> rnn_preset(const std::vector<Scope>& scopes) {
  std::vector<SweepSpec> specs;
  for (const Scope& scope : scopes) {
    specs.push_back(SweepSpec(prune_probe(), "magnitude").draws(1).scope(scope));
    specs.push_back(SweepSpec(prune_probe(), "random").draws(5).scope(scope));
    specs.push_back(SweepSpec(binarize_probe(), "sign").draws(1).scope(scope));
    specs.push_back(SweepSpec(binarize_probe(), "scaled").draws(1).scope(scope));
    specs.push_back(SweepSpec(noise_probe(), "gaussian").levels(rnn_noise_grid()).full_only().draws(5).scope(scope));
    specs.push_back(SweepSpec(flip_probe(), "smallest").full_only().draws(1).scope(scope));
    specs.push_back(SweepSpec(flip_probe(), "random").full_only().draws(5).scope(scope));
    specs.push_back(SweepSpec(shuffle_probe(), "A").full_only().draws(5).scope(scope));
    specs.push_back(SweepSpec(shuffle_probe(), "B").full_only().draws(5).scope(scope));
  }
  return specs;
}

}  // namespace netprobe::probes
