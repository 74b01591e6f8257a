#pragma once
/// Plain-loop versions of the index picks the probes repeat hundreds of times per model. Each
/// costs a few library calls less than its tensor-op equivalent; on a 64 x 784 layer the tensor
/// ops spent most of their time in dispatch, topk and nonzero (bench_probes BM_GenerateVariants).
///
///   std::vector<int64_t> perm = random_permutation(n, gen);   // == torch::randperm(n, gen)
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/torch.h>

namespace netprobe::probes {

/// Which entries a count-based probe (pruning, sign flipping) picks.
enum class Pick { kSmallest, kRandom, kLargest };

/// floor(fraction * n), robust to round-off (0.7 * 10 counts as 7, not 6).
int64_t fraction_count(double fraction, int64_t n);

/// Flat indices of `k` entries of w chosen by |w| (smallest or largest; ties go to the lower flat
/// index) or uniformly at random (the first k of torch::randperm(numel, gen)).
torch::Tensor pick_entries(const torch::Tensor& w, int64_t k, Pick pick, at::Generator& gen);

/// The first k entries of torch::randperm(n, gen), leaving the generator in the same state as
/// randperm does: the same Fisher-Yates steps on the same draws (ATen's CPU algorithm; a test
/// holds the two equal), without the swaps past k.
std::vector<int64_t> random_permutation_prefix(int64_t n, int64_t k, at::Generator& gen);
inline std::vector<int64_t> random_permutation(int64_t n, at::Generator& gen) {
  return random_permutation_prefix(n, n, gen);
}

/// Flat indices of the k entries of w with the smallest (or largest) |w|, in no particular
/// order. Ties go to the lower flat index; NaN counts as the largest magnitude.
std::vector<int64_t> magnitude_entries(const torch::Tensor& w, int64_t k, bool largest);

/// The entries magnitude pruning at fraction p removes from `scores` (a 1-D tensor of |w| or of
/// unit norms): all but the floor((1 - p) n) largest, as index tensor for index_fill_.
torch::Tensor pruned_by_magnitude(const torch::Tensor& scores, double p);

/// A long tensor holding `indices`.
torch::Tensor to_index_tensor(const std::vector<int64_t>& indices);

/// Entries where a != b (same shape; NaN differs from everything), and entries equal to zero.
int64_t count_changed(const torch::Tensor& a, const torch::Tensor& b);
int64_t count_zeros(const torch::Tensor& t);

}  // namespace netprobe::probes
