#pragma once
/// The sweeps a study runs on every model: PROBES.md's grids, variants and controls, each
/// evaluated full precision and signed, plus an optional layer profile.
///
///   auto specs = default_sweeps(study_probe_names(), /*draws=*/5);   // 1575 evaluations
#include <string>
#include <vector>

#include "probes/sweep.h"

namespace netprobe::experiments {

/// Probe groups a study can run, named as `probe --probe` names them: "prune-shuffle" is
/// prune-then-shuffle ("combined", its old name, is still accepted); prune-then-binarize is the
/// signed pruning sweep.
const std::vector<std::string>& study_probe_names();

/// The sweeps of the selected probe groups with their default grids, variants and controls,
/// each evaluated full precision and signed. `layers` adds a layer profile (magnitude pruning,
/// binarization and shuffle B of one layer at a time) for each named layer.
std::vector<probes::SweepSpec> default_sweeps(const std::vector<std::string>& probes, int draws,
                                              const std::vector<std::string>& layers = {});

}  // namespace netprobe::experiments
