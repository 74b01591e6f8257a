#include "probes/prune_structured.h"

#include "probes/entry_picks.h"
#include "probes/prune.h"

namespace netprobe::probes {

torch::Tensor prune_rows(const torch::Tensor& w, double p, double norm) {
  if (w.dim() == 0) return w.clone();
  const torch::Tensor rows = w.reshape({w.size(0), -1});
  const torch::Tensor norms = torch::linalg_vector_norm(rows.to(torch::kFloat64), norm, {1}, false, {});
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  out.reshape({rows.size(0), -1}).index_fill_(0, pruned_by_magnitude(norms, p), 0.0);
  return out;
}

const ProbeDefinition& prune_structured_probe() {
  static const ProbeDefinition definition{
      .name = "prune-structured",
      .description = "zero whole output units (rows, filters) of each tensor with the smallest L1 or L2 norm",
      .variants = {"l1", "l2"},
      .level = LevelMeaning::fraction("p", "fraction of output units pruned p"),
      .default_levels = pruning_grid(),
      .signed_mode = true,
      .study_variants = {},
      .make =
          [](const std::string& variant) {
            const double norm = variant == "l1" ? 1.0 : 2.0;
            return Probe{
                {{[norm](const torch::Tensor& w, double p, at::Generator&) { return prune_rows(w, p, norm); }, true}},
                false};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
