#pragma once
/// Magnitude pruning (PROBES.md probe 1): keep the floor((1 - p) n) largest-|w| entries of each
/// tensor and zero the rest; controls zero random entries or the largest ones.
///
///   torch::Tensor pruned = prune(w, 0.9, Pick::kSmallest, gen);   // floor(0.1 n) entries kept
#include "probes/entry_picks.h"
#include "probes/registry.h"

namespace netprobe::probes {

/// Zeroes n - floor((1 - p) n) entries: the smallest |w| (magnitude pruning), random ones, or the
/// largest. Returns a new tensor.
torch::Tensor prune(const torch::Tensor& w, double p, Pick removed, at::Generator& gen);

/// PROBES.md's pruning grid: 23 values of p from 0 to 0.999.
const std::vector<double>& pruning_grid();

/// Registered as "prune": variants magnitude (the probe), random and largest (controls); level p.
const ProbeDefinition& prune_probe();

}  // namespace netprobe::probes
