#pragma once
/// Binarization (PROBES.md probe 2): W -> sign(W), unscaled +-1 (0 stays 0); the scaled variant
/// multiplies by the tensor's mean |w|.
///
///   torch::Tensor b = binarize(w, /*scaled=*/false);
#include "probes/registry.h"

namespace netprobe::probes {

/// sign(w), or sign(w) * mean|w| when `scaled`.
torch::Tensor binarize(const torch::Tensor& w, bool scaled);

/// Registered as "binarize": variants sign (the probe) and scaled; level-free, full mode only
/// (sign() of a binarized network is itself).
const ProbeDefinition& binarize_probe();

}  // namespace netprobe::probes
