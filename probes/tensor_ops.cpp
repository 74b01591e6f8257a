#include "probes/tensor_ops.h"

#include <cmath>

#include <fmt/format.h>

#include "probes/entry_picks.h"
#include "core/errors.h"

namespace netprobe::probes {

int64_t fraction_count(double fraction, int64_t n) {
  return std::min<int64_t>(n, static_cast<int64_t>(std::floor(fraction * static_cast<double>(n) + 1e-9)));
}

torch::Tensor pick_entries(const torch::Tensor& w, int64_t k, Pick pick, at::Generator& gen) {
  const int64_t n = w.numel();
  if (k <= 0) return torch::empty({0}, torch::kLong);
  if (pick == Pick::kRandom) return to_index_tensor(random_permutation_prefix(n, k, gen));
  return to_index_tensor(magnitude_entries(w, k, pick == Pick::kLargest));
}

torch::Tensor prune(const torch::Tensor& w, double p, Pick removed, at::Generator& gen) {
  const int64_t n = w.numel();
  const int64_t remove = n - fraction_count(1.0 - p, n);
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  out.view({-1}).index_fill_(0, pick_entries(w, remove, removed, gen), 0.0);
  return out;
}

torch::Tensor binarize(const torch::Tensor& w, bool scaled) { return scaled ? w.sign() * w.abs().mean() : w.sign(); }

torch::Tensor add_noise(const torch::Tensor& w, double a, NoiseKind kind, at::Generator& gen) {
  const torch::Tensor nonzero = w.ne(0).to(w.scalar_type());
  switch (kind) {
    case NoiseKind::kUniform: return w + (torch::rand(w.sizes(), gen, w.options()) * (2 * a) - a) * nonzero;
    case NoiseKind::kGaussian: return w + torch::randn(w.sizes(), gen, w.options()) * a * nonzero;
    case NoiseKind::kMultiplicative: return w * (1 + (torch::rand(w.sizes(), gen, w.options()) * (2 * a) - a));
  }
  return w;
}

torch::Tensor flip_signs(const torch::Tensor& w, double q, Pick pick, at::Generator& gen) {
  const torch::Tensor idx = pick_entries(w, fraction_count(q, w.numel()), pick, gen);
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  torch::Tensor flat = out.view({-1});
  flat.index_put_({idx}, -flat.index({idx}));
  return out;
}

}  // namespace netprobe::probes
