#pragma once
/// Sign flipping (PROBES.md probe 4): flip the sign of the floor(q n) smallest-|w| entries of each
/// tensor; controls flip random entries or the largest ones.
///
///   torch::Tensor flipped = flip_signs(w, 0.3, Pick::kSmallest, gen);   // exactly floor(0.3 n) changed
#include "probes/entry_picks.h"
#include "probes/registry.h"

namespace netprobe::probes {

/// Flips the sign of floor(q * n) entries chosen by |w| or at random.
torch::Tensor flip_signs(const torch::Tensor& w, double q, Pick pick, at::Generator& gen);

/// PROBES.md's flipping grid: 30 values of q, linspace(0, 1).
std::vector<double> flip_grid();

/// Registered as "flip": variants smallest (the probe), random and largest (controls); level q.
const ProbeDefinition& flip_probe();

}  // namespace netprobe::probes
