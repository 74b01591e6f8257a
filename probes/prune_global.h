#pragma once
/// Global magnitude pruning (as torch.nn.utils.prune.global_unstructured does): one ranking of |w|
/// across every selected tensor, so a layer of small weights loses more than one of large ones;
/// keeps the floor((1 - p) N) largest of all N selected entries.
#include "probes/registry.h"

namespace netprobe::probes {

/// Zeroes, across all `tensors` at once, all but their floor((1 - p) N) largest |w| (ties keep the
/// earlier tensor's, then the lower flat index's entry). Replaces the tensors in place.
void prune_globally(std::vector<torch::Tensor>& tensors, double p);

/// Registered as "prune-global": variant magnitude; level p.
const ProbeDefinition& prune_global_probe();

}  // namespace netprobe::probes
