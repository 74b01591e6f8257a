#include "probes/binarize.h"

namespace netprobe::probes {

torch::Tensor binarize(const torch::Tensor& w, bool scaled) { return scaled ? w.sign() * w.abs().mean() : w.sign(); }

const ProbeDefinition& binarize_probe() {
  static const ProbeDefinition definition{
      .name = "binarize",
      .description = "W -> sign(W) (scaled: times mean |w|)",
      .variants = {"sign", "scaled"},
      .level = LevelMeaning::none(),
      .default_levels = {0.0},
      .signed_mode = false,
      .study_variants = {"sign", "scaled"},
      .make =
          [](const std::string& variant) {
            const bool scaled = variant == "scaled";
            return Probe{
                {{[scaled](const torch::Tensor& w, double, at::Generator&) { return binarize(w, scaled); }, true}},
                false};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
