#include "probes/flip.h"

namespace netprobe::probes {

torch::Tensor flip_signs(const torch::Tensor& w, double q, Pick pick, at::Generator& gen) {
  const torch::Tensor idx = pick_entries(w, fraction_count(q, w.numel()), pick, gen);
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  torch::Tensor flat = out.view({-1});
  flat.index_put_({idx}, -flat.index({idx}));
  return out;
}

std::vector<double> flip_grid() {
  std::vector<double> grid;
  for (int i = 0; i < 30; ++i) grid.push_back(i / 29.0);  // linspace(0, 1, 30)
  return grid;
}

const ProbeDefinition& flip_probe() {
  static const ProbeDefinition definition{
      .name = "flip",
      .description = "flip the sign of the floor(q*n) smallest-|w| entries",
      .variants = {"smallest", "random", "largest"},
      .level = LevelMeaning::fraction("q", "fraction of signs flipped q"),
      .default_levels = flip_grid(),
      .signed_mode = true,
      .study_variants = {"smallest", "random", "largest"},
      .make =
          [](const std::string& variant) {
            const Pick pick = variant == "smallest"  ? Pick::kSmallest
                              : variant == "largest" ? Pick::kLargest
                                                     : Pick::kRandom;
            return Probe{
                {{[pick](const torch::Tensor& w, double q, at::Generator& gen) { return flip_signs(w, q, pick, gen); },
                  true}},
                pick == Pick::kRandom};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
