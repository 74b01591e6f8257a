#pragma once
/// Attention-head pruning: the heads of an attention projection (models::TensorPart::heads) ranked
/// by the norm of their rows, q, k and v together for a whole in_proj; keeps the floor((1 - p) H)
/// heads of largest norm and zeroes the rows of the others. A zeroed value block silences its head;
/// out_proj is left as it is. Tensors that are not attention projections are left unchanged.
#include "models/layers.h"
#include "probes/registry.h"

namespace netprobe::probes {

/// `w` (the tensor of `part`) with all but its floor((1 - p) H) heads of largest `norm`-norm zeroed.
torch::Tensor prune_heads(const torch::Tensor& w, const models::TensorPart& part, double p, double norm);

/// Registered as "prune-heads": variants l2 and l1; level p (of the heads).
const ProbeDefinition& prune_heads_probe();

}  // namespace netprobe::probes
