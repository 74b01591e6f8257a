#pragma once
/// The probe catalogue: names, variants, level ranges and the default grids of PROBES.md.
///
///   Probe p = make_probe("flip", "smallest");          // q = level
///   auto grid = default_levels("noise");                 // 30 log-spaced a in [2^-10, 1]
///   validate_levels("prune", {0.5, 1.2});                // UsageError: p outside [0, 1]
#include <string>
#include <vector>

#include "probes/probe.h"

namespace netprobe::probes {

struct ProbeInfo {
  std::string name;
  std::vector<std::string> variants;  ///< first = the default variant
  std::string level_name;             ///< "p", "a", "q", or "" for level-free probes
  std::string description;
};

/// Every probe: prune, binarize, noise, flip, shuffle, prune-shuffle.
const std::vector<ProbeInfo>& probe_catalog();

/// UsageError naming the probe (and listing the known ones) if unknown.
const ProbeInfo& probe_info(const std::string& name);

/// Builds a probe; UsageError for an unknown name or variant.
Probe make_probe(const std::string& name, const std::string& variant);

/// Default grid of a probe ({0} for level-free probes).
std::vector<double> default_levels(const std::string& name);

/// UsageError if a level lies outside the probe's range (p, q in [0, 1]; a >= 0) or the grid is
/// empty, or levels are given to a level-free probe.
void validate_levels(const std::string& name, const std::vector<double>& levels);

/// The pruning grid of PROBES.md (23 values from 0 to 0.999).
const std::vector<double>& pruning_grid();

}  // namespace netprobe::probes
