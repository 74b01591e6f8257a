#pragma once
/// Products with mostly-background inputs. Images are largely one value c (MNIST: -1), so
/// X = c + X' with X' sparse, and X W^T = c * colsum(W^T) + X' W^T: the second term needs only
/// the non-background pixels (about 1 in 5 for MNIST), which is where the probe sweeps spend
/// their time.
///
///   SparseRows xs = sparse_rows(test_x);             // background = most common value
///   torch::Tensor z = sparse_linear(xs, weight);      // == weight.matmul(test_x.t()), [m, rows]
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace netprobe::models {

/// Row-compressed entries of X - background, plus the background value.
struct SparseRows {
  int64_t rows = 0, cols = 0;
  float background = 0;
  std::vector<int64_t> start;  ///< rows + 1 offsets into col/val
  std::vector<int32_t> col;
  std::vector<float> val;
  double density() const;
};

/// Compresses a float matrix [rows, cols] around its most common value.
SparseRows sparse_rows(const torch::Tensor& x);

/// weight @ X^T for a dense weight [m, cols] (float32) and X given as SparseRows. Returns
/// [m, rows], features by samples, the layout of the batched MLP evaluation. Uses LibTorch's
/// intra-op threads over rows.
torch::Tensor sparse_linear(const SparseRows& x, const torch::Tensor& weight);

/// Width of one block of the sparse kernel: a hidden layer of exactly this many units is one
/// block per variant, which lets sparse_mlp2_logits keep it in registers.
constexpr int64_t kSparseBlock = 64;

enum class HiddenActivation { kRelu, kTanh, kSigmoid };

/// Logits of V two-layer MLPs (input -> kSparseBlock hidden -> k) on the same sparse inputs,
/// without materializing the hidden activations: per sample and variant, the 64 hidden
/// pre-activations stay in registers, get bias and activation, and are multiplied by that
/// variant's output weights at once.
///   w1 [V*64, cols], b1 [V*64], w2 [V, k, 64], b2 [V, k]  ->  logits [V, k, rows]
torch::Tensor sparse_mlp2_logits(const SparseRows& x, const torch::Tensor& w1, const torch::Tensor& b1,
                                 const torch::Tensor& w2, const torch::Tensor& b2, HiddenActivation activation);

/// Rows in groups of kRowGroup that share one pass over the union of their columns, so each
/// weight row is loaded once for all of them: the per-row kernel is bound by loading 256 bytes of
/// weights per multiply-add of a 64-wide row, the grouped one by arithmetic. The price is a zero
/// multiply-add wherever a row of the group lacks a column of the union (fill() says how many).
constexpr int64_t kRowGroup = 4;
struct SparseRowGroups {
  int64_t rows = 0, cols = 0;
  float background = 0;
  std::vector<int64_t> row;    ///< kRowGroup sample indices per group, -1 for padding
  std::vector<int64_t> start;  ///< groups + 1 offsets into col
  std::vector<int32_t> col;    ///< each group's union of columns, ascending
  std::vector<float> val;      ///< kRowGroup values per entry of col, 0 where a row lacks it
  int64_t groups() const { return static_cast<int64_t>(start.size()) - 1; }
  /// Multiply-adds of the grouped pass over those of the per-row pass (>= 1).
  double fill() const;
};

/// Groups the rows of x in `order` (a permutation of 0..rows-1; similar rows next to each other
/// give small unions), kRowGroup at a time.
SparseRowGroups group_rows(const SparseRows& x, const std::vector<int64_t>& order);

/// group_rows with the rows of each class ordered by their nonzero patterns' top two principal
/// components, so that similar rows share a group (fill 1.5 for MNIST pairs, ~1.2 for
/// Fashion-MNIST, against 1.35-1.9 in file order).
SparseRowGroups group_similar_rows(const SparseRows& x, const torch::Tensor& labels);

struct ByteRowGroups;
/// How a first layer of 0 and ±a is summed: the fastest this CPU has (kAuto), or one forced (tests,
/// benchmarks). All give the same exact integer sums.
enum class TernaryKernel { kAuto, kVnni, kAvx2, kPortable };

/// sparse_mlp2_logits on grouped rows: the same logits, each sum over a row's columns taken in
/// the same order (a missing column adds an exact 0). Given the same rows as bytes
/// (models/ternary_first_layer.h), a variant whose first layer holds only 0 and ±a has its first
/// layer summed in integers instead (exact), by `kernel`.
torch::Tensor sparse_mlp2_logits(const SparseRowGroups& x, const torch::Tensor& w1, const torch::Tensor& b1,
                                 const torch::Tensor& w2, const torch::Tensor& b2, HiddenActivation activation,
                                 const ByteRowGroups* bytes = nullptr, TernaryKernel kernel = TernaryKernel::kAuto);

}  // namespace netprobe::models
