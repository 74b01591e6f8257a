#include "probes/noise.h"

#include <cmath>

namespace netprobe::probes {

torch::Tensor add_noise(const torch::Tensor& w, double a, NoiseKind kind, at::Generator& gen) {
  const torch::Tensor nonzero = w.ne(0).to(w.scalar_type());
  switch (kind) {
    case NoiseKind::kUniform: return w + (torch::rand(w.sizes(), gen, w.options()) * (2 * a) - a) * nonzero;
    case NoiseKind::kGaussian: return w + torch::randn(w.sizes(), gen, w.options()) * a * nonzero;
    case NoiseKind::kMultiplicative: return w * (1 + (torch::rand(w.sizes(), gen, w.options()) * (2 * a) - a));
  }
  return w;
}

std::vector<double> noise_grid() {
  std::vector<double> grid;
  for (int i = 0; i < 30; ++i) grid.push_back(std::pow(2.0, -10.0 + 10.0 * i / 29.0));  // 2^-10 .. 1
  return grid;
}

const ProbeDefinition& noise_probe() {
  static const ProbeDefinition definition{
      .name = "noise",
      .description = "add U(-a, a) to every non-zero entry",
      .variants = {"uniform", "gaussian", "multiplicative"},
      .level = LevelMeaning::amplitude("a", "noise amplitude a"),
      .default_levels = noise_grid(),
      .signed_mode = true,
      .study_variants = {"uniform"},
      .make =
          [](const std::string& variant) {
            const NoiseKind kind = variant == "uniform"    ? NoiseKind::kUniform
                                   : variant == "gaussian" ? NoiseKind::kGaussian
                                                           : NoiseKind::kMultiplicative;
            return Probe{
                {{[kind](const torch::Tensor& w, double a, at::Generator& gen) { return add_noise(w, a, kind, gen); },
                  true}},
                true};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
