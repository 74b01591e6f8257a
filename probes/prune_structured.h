#pragma once
/// Structured pruning (as torch.nn.utils.prune.ln_structured on dim 0): whole output units of each
/// tensor, a Linear's rows or a Conv's filters, ranked by their L1 or L2 norm; keeps the
/// floor((1 - p) rows) rows of largest norm and zeroes the others.
///
///   torch::Tensor w2 = prune_rows(w, 0.5, 2.0);   // half the filters gone, by L2 norm
#include "probes/registry.h"

namespace netprobe::probes {

/// Zeroes all but the floor((1 - p) r) rows (slices along dim 0) of largest `norm`-norm (1 or 2;
/// ties keep the lower row). A vector's rows are its entries.
torch::Tensor prune_rows(const torch::Tensor& w, double p, double norm);

/// Registered as "prune-structured": variants l1 and l2; level p (of the rows).
const ProbeDefinition& prune_structured_probe();

}  // namespace netprobe::probes
