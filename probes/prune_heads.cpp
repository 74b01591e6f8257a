#include "probes/prune_heads.h"

#include "probes/entry_picks.h"
#include "probes/prune.h"

namespace netprobe::probes {

torch::Tensor prune_heads(const torch::Tensor& w, const models::TensorPart& part, double p, double norm) {
  if (part.heads <= 0 || w.dim() == 0) return w;
  const int64_t heads = part.heads, blocks = part.head_blocks;
  const int64_t rows = w.size(0), block = rows / blocks, d = block / heads;
  // [blocks, heads, d, rest]: head h's rows in every block.
  const torch::Tensor view = w.reshape({blocks, heads, d, -1});
  const torch::Tensor norms =
      torch::linalg_vector_norm(view.transpose(0, 1).reshape({heads, -1}).to(torch::kFloat64), norm, {1}, false, {});
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  out.view({blocks, heads, d, -1}).index_fill_(1, pruned_by_magnitude(norms, p), 0.0);
  return out;
}

const ProbeDefinition& prune_heads_probe() {
  static const ProbeDefinition definition{
      .name = "prune-heads",
      .description = "zero whole attention heads (their q, k, v rows) with the smallest L2 or L1 norm",
      .variants = {"l2", "l1"},
      .level = LevelMeaning::fraction("p", "fraction of heads pruned p"),
      .default_levels = pruning_grid(),
      .signed_mode = true,
      .study_variants = {},
      .make =
          [](const std::string& variant) {
            const double norm = variant == "l1" ? 1.0 : 2.0;
            ProbeStage stage;
            stage.part_op = [norm](const torch::Tensor& w, const models::TensorPart& part, double p, at::Generator&) {
              return prune_heads(w, part, p, norm);
            };
            return Probe{{stage}, false};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
