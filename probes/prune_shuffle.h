#pragma once
/// Prune then shuffle (PROBES.md, combined experiments): magnitude-prune p of each tensor, then
/// shuffle the survivors with A (all) or B (sign-preserving); zeros stay where pruning put them.
#include "probes/registry.h"

namespace netprobe::probes {

/// Registered as "prune-shuffle": variants A and B; level p over the pruning grid.
const ProbeDefinition& prune_shuffle_probe();

}  // namespace netprobe::probes
