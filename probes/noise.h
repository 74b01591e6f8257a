#pragma once
/// Noise injection (PROBES.md probe 3): additive uniform noise U(-a, a) on every non-zero entry;
/// Gaussian N(0, a^2) and multiplicative 1 + U(-a, a) are selectable variants.
///
///   torch::Tensor noisy = add_noise(w, 0.1, NoiseKind::kUniform, gen);
#include "probes/registry.h"

namespace netprobe::probes {

enum class NoiseKind { kUniform, kGaussian, kMultiplicative };
/// Adds U(-a, a) (or N(0, a^2), or multiplies by 1 + U(-a, a)) on the non-zero entries only.
torch::Tensor add_noise(const torch::Tensor& w, double a, NoiseKind kind, at::Generator& gen);

/// PROBES.md's noise grid: 30 log-spaced amplitudes a from 2^-10 to 1.
std::vector<double> noise_grid();

/// Registered as "noise": variants uniform (the probe), gaussian, multiplicative; level a.
const ProbeDefinition& noise_probe();

}  // namespace netprobe::probes
