#include "probes/prune_global.h"

#include "probes/entry_picks.h"
#include "probes/prune.h"

namespace netprobe::probes {

void prune_globally(std::vector<torch::Tensor>& tensors, double p) {
  std::vector<torch::Tensor> flat;
  for (const auto& t : tensors) flat.push_back(t.reshape({-1}));
  const torch::Tensor all = torch::cat(flat);
  const int64_t n = all.numel();
  torch::Tensor mask = torch::ones({n}, all.options());
  mask.index_fill_(0, pruned_by_magnitude(all, p), 0.0);
  int64_t offset = 0;
  for (auto& t : tensors) {
    t = t * mask.narrow(0, offset, t.numel()).view(t.sizes());
    offset += t.numel();
  }
}

const ProbeDefinition& prune_global_probe() {
  static const ProbeDefinition definition{
      .name = "prune-global",
      .description = "zero the smallest-|w| entries ranked across all selected layers at once",
      .variants = {"magnitude"},
      .level = LevelMeaning::fraction("p", "fraction pruned p (of all layers together)"),
      .default_levels = pruning_grid(),
      .signed_mode = true,
      .study_variants = {},
      .make =
          [](const std::string&) {
            Probe probe;
            probe.joint = [](std::vector<torch::Tensor>& tensors, double p, at::Generator&) {
              prune_globally(tensors, p);
            };
            return probe;
          },
  };
  return definition;
}

}  // namespace netprobe::probes
