#include "experiments/study_sweeps.h"

#include <algorithm>

#include "probes/catalog.h"

namespace netprobe::experiments {

using probes::Scope;
using probes::SweepSpec;

const std::vector<std::string>& study_probe_names() {
  static const std::vector<std::string> names = {"prune", "binarize", "noise", "flip", "shuffle", "prune-shuffle"};
  return names;
}

std::vector<SweepSpec> default_sweeps(const std::vector<std::string>& probes, int draws,
                                      const std::vector<std::string>& layers) {
  std::vector<SweepSpec> specs;
  const auto has = [&](const std::string& p) { return std::find(probes.begin(), probes.end(), p) != probes.end(); };
  const auto add_all_variants = [&](const std::string& name, bool with_signed) {
    for (const auto& variant : probes::probe_info(name).variants) {
      specs.push_back({name, variant, probes::default_levels(name), true, with_signed, draws, Scope{}});
    }
  };
  if (has("prune")) add_all_variants("prune", true);         // signed magnitude pruning = prune-then-binarize
  if (has("binarize")) add_all_variants("binarize", false);  // sign() of a binarized network is itself
  if (has("noise")) specs.push_back({"noise", "uniform", probes::default_levels("noise"), true, true, draws, Scope{}});
  if (has("flip")) add_all_variants("flip", true);
  if (has("shuffle")) add_all_variants("shuffle", true);
  if (has("prune-shuffle") || has("combined")) add_all_variants("prune-shuffle", true);  // combined: the old name
  for (const auto& layer : layers) {
    specs.push_back({"prune", "magnitude", probes::pruning_grid(), true, true, draws, Scope{layer}});
    specs.push_back({"binarize", "sign", {0.0}, true, false, draws, Scope{layer}});
    specs.push_back({"shuffle", "B", {0.0}, true, true, draws, Scope{layer}});
    // The rest of the per-layer compression answer (probes/compression.h), full precision only.
    specs.push_back({"prune", "random", probes::pruning_grid(), true, false, draws, Scope{layer}});
    specs.push_back({"noise", "uniform", probes::default_levels("noise"), true, false, draws, Scope{layer}});
  }
  return specs;
}

}  // namespace netprobe::experiments
