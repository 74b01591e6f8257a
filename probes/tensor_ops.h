#pragma once
/// The per-tensor operations the probes are built from. Each returns a new tensor and never
/// modifies its input. Counts follow PROBES.md: pruning keeps floor((1 - p) * n) entries,
/// flipping changes floor(q * n) entries.
#include <cstdint>

#include <ATen/core/Generator.h>
#include <torch/torch.h>

namespace netprobe::probes {

enum class Pick { kSmallest, kRandom, kLargest };

/// floor(fraction * n), robust to round-off (0.7 * 10 counts as 7, not 6).
int64_t fraction_count(double fraction, int64_t n);

/// Flat indices of `k` entries of w chosen by |w| (smallest or largest; ties go to the lower flat
/// index) or uniformly at random (the first k of torch::randperm(numel, gen)).
torch::Tensor pick_entries(const torch::Tensor& w, int64_t k, Pick pick, at::Generator& gen);

/// Zeroes floor(p * n) entries: the smallest |w| (magnitude pruning), random ones, or the largest.
torch::Tensor prune(const torch::Tensor& w, double p, Pick removed, at::Generator& gen);

/// sign(w), or sign(w) * mean|w| when `scaled`.
torch::Tensor binarize(const torch::Tensor& w, bool scaled);

enum class NoiseKind { kUniform, kGaussian, kMultiplicative };
/// Adds U(-a, a) (or N(0, a^2), or multiplies by 1 + U(-a, a)) on the non-zero entries only.
torch::Tensor add_noise(const torch::Tensor& w, double a, NoiseKind kind, at::Generator& gen);

/// Flips the sign of floor(q * n) entries chosen by |w| or at random.
torch::Tensor flip_signs(const torch::Tensor& w, double q, Pick pick, at::Generator& gen);

/// The bipartite graph a shuffle acts on: rows are output nodes, columns input nodes. A matrix
/// [out, in] is itself; a vector [n] is one column (an RNN's input vector); a kernel
/// [out, in, kh, kw] (or any tensor of higher rank) is flattened per output unit to
/// [out, in*kh*kw], so each (input channel, kernel offset) is one input node (docs/CONV_PROBES.md).
torch::Tensor as_bipartite_matrix(const torch::Tensor& w);

/// How the non-zero entries of a weight matrix [out, in] are grouped before shuffling values
/// within each group; zero entries never move. Each group is one bipartite randomization:
/// A all, B by sign, C per input node, D per output node, E per input node and sign,
/// F per output node and sign.
enum class ShuffleGroups { kAll, kSign, kInputNode, kOutputNode, kInputNodeSign, kOutputNodeSign };
torch::Tensor shuffle_within_groups(const torch::Tensor& w, ShuffleGroups groups, at::Generator& gen);

/// G: degree-preserving switching of positive edges. Repeatedly picks two positive edges
/// (u1,v1), (u2,v2) whose crossed positions (u1,v2), (u2,v1) hold negative weights and swaps
/// them, so every node keeps its positive and negative in/out degree and zeros stay put.
/// `sweeps` attempted switches per positive edge.
torch::Tensor switch_positive_edges(const torch::Tensor& w, at::Generator& gen, int sweeps = 10);

}  // namespace netprobe::probes
