#include "probes/prune.h"

namespace netprobe::probes {

torch::Tensor prune(const torch::Tensor& w, double p, Pick removed, at::Generator& gen) {
  const int64_t n = w.numel();
  const int64_t remove = n - fraction_count(1.0 - p, n);
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  out.view({-1}).index_fill_(0, pick_entries(w, remove, removed, gen), 0.0);
  return out;
}

const std::vector<double>& pruning_grid() {
  static const std::vector<double> grid = {0,   .1, .2,  .3, .35, .4,  .45, .5,  .55, .6,   .65, .7,
                                           .75, .8, .85, .9, .95, .96, .97, .98, .99, .995, .999};
  return grid;
}

const ProbeDefinition& prune_probe() {
  static const ProbeDefinition definition{
      .name = "prune",
      .description = "zero the floor(p*n) smallest-|w| entries of each tensor",
      .variants = {"magnitude", "random", "largest"},
      .level = LevelMeaning::fraction("p", "fraction pruned p"),
      .default_levels = pruning_grid(),
      .signed_mode = true,  // signed magnitude pruning is prune-then-binarize
      .study_variants = {"magnitude", "random", "largest"},
      .make =
          [](const std::string& variant) {
            const Pick pick = variant == "magnitude" ? Pick::kSmallest
                              : variant == "largest" ? Pick::kLargest
                                                     : Pick::kRandom;
            return Probe{
                {{[pick](const torch::Tensor& w, double p, at::Generator& gen) { return prune(w, p, pick, gen); },
                  true}},
                pick == Pick::kRandom};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
