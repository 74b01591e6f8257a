#include "probes/catalog.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "probes/tensor_ops.h"
#include "core/errors.h"

namespace netprobe::probes {
namespace {

using core::UsageError;

Pick parse_pick(const std::string& variant) {
  if (variant == "magnitude" || variant == "smallest") return Pick::kSmallest;
  if (variant == "largest") return Pick::kLargest;
  return Pick::kRandom;
}

ShuffleGroups parse_groups(const std::string& variant) {
  static const std::vector<std::pair<std::string, ShuffleGroups>> table = {
      {"A", ShuffleGroups::kAll},        {"B", ShuffleGroups::kSign},          {"C", ShuffleGroups::kInputNode},
      {"D", ShuffleGroups::kOutputNode}, {"E", ShuffleGroups::kInputNodeSign}, {"F", ShuffleGroups::kOutputNodeSign}};
  for (const auto& [name, groups] : table) {
    if (name == variant) return groups;
  }
  throw UsageError(fmt::format("shuffle: unknown variant '{}'", variant));
}

ProbeStage shuffle_stage(const std::string& variant) {
  if (variant == "G") {
    return {[](const torch::Tensor& w, double, at::Generator& gen) { return switch_positive_edges(w, gen); }, false};
  }
  const ShuffleGroups groups = parse_groups(variant);
  return {
      [groups](const torch::Tensor& w, double, at::Generator& gen) { return shuffle_within_groups(w, groups, gen); },
      false};
}

ProbeStage prune_stage(const std::string& variant) {
  const Pick pick = parse_pick(variant);
  return {[pick](const torch::Tensor& w, double p, at::Generator& gen) { return prune(w, p, pick, gen); }, true};
}

}  // namespace

const std::vector<ProbeInfo>& probe_catalog() {
  static const std::vector<ProbeInfo> catalog = {
      {"prune", {"magnitude", "random", "largest"}, "p", "zero the floor(p*n) smallest-|w| entries of each tensor"},
      {"binarize", {"sign", "scaled"}, "", "W -> sign(W) (scaled: times mean |w|)"},
      {"noise", {"uniform", "gaussian", "multiplicative"}, "a", "add U(-a, a) to every non-zero entry"},
      {"flip", {"smallest", "random", "largest"}, "q", "flip the sign of the floor(q*n) smallest-|w| entries"},
      {"shuffle", {"A", "B", "C", "D", "E", "F", "G"}, "", "bipartite randomizations of each weight matrix"},
      {"prune-shuffle", {"A", "B"}, "p", "magnitude-prune p, then shuffle A or B"},
  };
  return catalog;
}

const ProbeInfo& probe_info(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& info : probe_catalog()) {
    if (info.name == name) return info;
    names.push_back(info.name);
  }
  throw UsageError(fmt::format("--probe: unknown probe '{}' (known: {})", name, fmt::join(names, ", ")));
}

Probe make_probe(const std::string& name, const std::string& variant) {
  const ProbeInfo& info = probe_info(name);
  if (std::find(info.variants.begin(), info.variants.end(), variant) == info.variants.end()) {
    throw UsageError(fmt::format("--variant: probe '{}' has no variant '{}' (known: {})", name, variant,
                                 fmt::join(info.variants, ", ")));
  }
  Probe probe{name, variant, {}, false};
  if (name == "prune") {
    probe.stages = {prune_stage(variant)};
    probe.stochastic = variant == "random";
  } else if (name == "binarize") {
    const bool scaled = variant == "scaled";
    probe.stages = {{[scaled](const torch::Tensor& w, double, at::Generator&) { return binarize(w, scaled); }, true}};
  } else if (name == "noise") {
    const NoiseKind kind = variant == "uniform"    ? NoiseKind::kUniform
                           : variant == "gaussian" ? NoiseKind::kGaussian
                                                   : NoiseKind::kMultiplicative;
    probe.stages = {
        {[kind](const torch::Tensor& w, double a, at::Generator& gen) { return add_noise(w, a, kind, gen); }, true}};
    probe.stochastic = true;
  } else if (name == "flip") {
    const Pick pick = parse_pick(variant);
    probe.stages = {
        {[pick](const torch::Tensor& w, double q, at::Generator& gen) { return flip_signs(w, q, pick, gen); }, true}};
    probe.stochastic = variant == "random";
  } else if (name == "shuffle") {
    probe.stages = {shuffle_stage(variant)};
    probe.stochastic = true;
  } else if (name == "prune-shuffle") {
    probe.stages = {prune_stage("magnitude"), shuffle_stage(variant)};
    probe.stochastic = true;
  }
  return probe;
}

const std::vector<double>& pruning_grid() {
  static const std::vector<double> grid = {0,   .1, .2,  .3, .35, .4,  .45, .5,  .55, .6,   .65, .7,
                                           .75, .8, .85, .9, .95, .96, .97, .98, .99, .995, .999};
  return grid;
}

std::vector<double> default_levels(const std::string& name) {
  const ProbeInfo& info = probe_info(name);
  if (info.level_name == "p") return pruning_grid();
  std::vector<double> grid;
  if (info.level_name == "a") {
    for (int i = 0; i < 30; ++i) grid.push_back(std::pow(2.0, -10.0 + 10.0 * i / 29.0));  // 2^-10 .. 1
  } else if (info.level_name == "q") {
    for (int i = 0; i < 30; ++i) grid.push_back(i / 29.0);  // linspace(0, 1, 30)
  } else {
    grid.push_back(0.0);
  }
  return grid;
}

void validate_levels(const std::string& name, const std::vector<double>& levels) {
  const ProbeInfo& info = probe_info(name);
  if (levels.empty()) throw UsageError(fmt::format("--levels: empty grid for probe '{}'", name));
  if (info.level_name.empty()) {
    if (levels != std::vector<double>{0.0}) {
      throw UsageError(fmt::format("--levels: probe '{}' takes no level", name));
    }
    return;
  }
  for (double level : levels) {
    const bool unit = info.level_name != "a";
    if (!std::isfinite(level) || level < 0 || (unit && level > 1)) {
      throw UsageError(fmt::format("--levels: {} = {} is outside its range {} for probe '{}'", info.level_name, level,
                                   unit ? "[0, 1]" : "[0, inf)", name));
    }
  }
}

}  // namespace netprobe::probes
