#include "models/sparse_input.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>

#include "models/mlp2_head.h"
#include "models/ternary_first_layer.h"

namespace netprobe::models {
namespace {

using detail::group_to_logits;
using detail::hidden_to_logits;
constexpr int64_t kBlock = kSparseBlock;  // output columns per pass: 4 AVX-512 accumulators, w block in L2

// 16 floats: one AVX-512 register, two AVX2 registers, four SSE registers, per clone.
typedef float Lane16 __attribute__((vector_size(64)));
static_assert(kBlock == 64, "accumulate_row holds a block in four Lane16 accumulators");

// Only ever inlined into the target clones, so the vector-return ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
inline __attribute__((always_inline)) Lane16 load16(const float* p) {
  Lane16 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}

// acc = sum over entries [begin, end) of value * block[col * stride .. + 64), in four vector
// accumulators that stay in registers. Explicit vector types, because GCC's auto-vectorizer
// turned the same loop into 64 scalar FMAs in some callers (5-12x slower).
inline __attribute__((always_inline)) void accumulate_row(int64_t begin, int64_t end, const int32_t* col,
                                                          const float* val, const float* block, int64_t stride,
                                                          float* acc) {
  Lane16 a0 = {}, a1 = {}, a2 = {}, a3 = {};
  for (int64_t e = begin; e < end; ++e) {
    const float v = val[e];
    const float* w = block + static_cast<int64_t>(col[e]) * stride;
    a0 += v * load16(w);
    a1 += v * load16(w + 16);
    a2 += v * load16(w + 32);
    a3 += v * load16(w + 48);
  }
  std::memcpy(acc, &a0, sizeof a0);
  std::memcpy(acc + 16, &a1, sizeof a1);
  std::memcpy(acc + 32, &a2, sizeof a2);
  std::memcpy(acc + 48, &a3, sizeof a3);
}

// One block of kBlock output features for a range of sample rows: acc = sum over the row's
// entries of value * block[col], written feature-major (out[feature, row]). Cloned for AVX-512
// and AVX2 (dispatched at load time), so the fixed-size inner loop becomes a few
// register-resident FMAs per entry; the block (cols x 64 floats, contiguous) stays in L2.
__attribute__((target_clones("avx512f", "avx2", "default"))) void accumulate_block(
    const int64_t* start, const int32_t* col, const float* val, const float* block, int64_t stride, int64_t b0,
    int64_t row_begin, int64_t row_end, int64_t rows, float* out) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    float acc[kBlock];
    accumulate_row(start[r], start[r + 1], col, val, block, stride, acc);
    for (int64_t t = 0; t < kBlock; ++t) out[(b0 + t) * rows + r] = acc[t];
  }
}

// The fused two-layer kernel for a range of rows and one variant (block b0 = v * 64).
__attribute__((target_clones("avx512f", "avx2", "default"))) void mlp2_block(
    const int64_t* start, const int32_t* col, const float* val, const float* block, int64_t stride, const float* bias,
    const float* w2, const float* b2, int64_t k, HiddenActivation activation, int64_t row_begin, int64_t row_end,
    int64_t rows, float* logits) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    float acc[kBlock];
    accumulate_row(start[r], start[r + 1], col, val, block, stride, acc);
    hidden_to_logits(acc, bias, w2, b2, k, activation, rows, r, logits);
  }
}

// The same for a range of row groups: per union entry one 64-wide weight row, loaded once, times
// each of the group's kRowGroup values (16 accumulators: all of AVX-512's registers but 16).
__attribute__((target_clones("avx512f", "avx2", "default"))) void mlp2_group_block(
    const SparseRowGroups& x, const float* block, const float* bias, const float* w2, const float* b2, int64_t k,
    HiddenActivation activation, int64_t group_begin, int64_t group_end, float* logits) {
  static_assert(kRowGroup == 4, "mlp2_group_block holds four rows' accumulators");
  for (int64_t g = group_begin; g < group_end; ++g) {
    Lane16 a[kRowGroup][4] = {};
    for (int64_t e = x.start[g]; e < x.start[g + 1]; ++e) {
      const float* w = block + static_cast<int64_t>(x.col[e]) * kBlock;
      const Lane16 w0 = load16(w), w1 = load16(w + 16), w2v = load16(w + 32), w3 = load16(w + 48);
      const float* v = x.val.data() + e * kRowGroup;
      for (int64_t i = 0; i < kRowGroup; ++i) {
        a[i][0] += v[i] * w0;
        a[i][1] += v[i] * w1;
        a[i][2] += v[i] * w2v;
        a[i][3] += v[i] * w3;
      }
    }
    float acc[kRowGroup * kBlock];
    std::memcpy(acc, a, sizeof acc);
    group_to_logits(acc, x.row.data() + g * kRowGroup, bias, w2, b2, k, activation, x.rows, logits);
  }
}

// Rows first_row .. first_row + 63 of a float weight [m, cols] as one block [cols][64]: row j of
// the block is input column j's 64 output features, contiguous. (A plain transpose [cols, m] put each
// block's rows 4*m bytes apart, which mapped them onto few L2 sets and thrashed.) Rows past m
// are zero. 16 columns at a time, so the 16 x 64 tile being written stays in L1.
void transpose_block(const float* w, int64_t m, int64_t cols, int64_t first_row, float* block) {
  constexpr int64_t kTile = 16;
  const int64_t rows = std::min(kBlock, m - first_row);
  const float* src = w + first_row * cols;
  for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
    const int64_t j_end = std::min(cols, j0 + kTile);
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = src + r * cols;
      for (int64_t j = j0; j < j_end; ++j) block[j * kBlock + r] = row[j];
    }
    for (int64_t r = rows; r < kBlock; ++r) {
      for (int64_t j = j0; j < j_end; ++j) block[j * kBlock + r] = 0.0f;
    }
  }
}

// The 64-row blocks `blocks` of a float weight [m, cols], each transposed: [blocks][cols][64].
torch::Tensor blocked_transpose(const torch::Tensor& weight, int64_t cols, const std::vector<int64_t>& blocks) {
  const torch::Tensor w = weight.to(torch::kFloat32).contiguous();
  torch::Tensor out = torch::empty({static_cast<int64_t>(blocks.size()), cols, kBlock}, torch::kFloat32);
  for (size_t b = 0; b < blocks.size(); ++b) {
    transpose_block(w.data_ptr<float>(), w.size(0), cols, blocks[b] * kBlock,
                    out.data_ptr<float>() + static_cast<int64_t>(b) * cols * kBlock);
  }
  return out;
}

}  // namespace

namespace {

// The weights of V two-layer MLPs laid out for the fused kernels: the first layer as blocks (of
// the variants not `skipped`: those run another kernel), its bias including the background term
// c * rowsum(w1), the output layer as float32.
struct Mlp2Weights {
  int64_t variants, classes, cols;
  torch::Tensor blocks, bias, w2, b2;
  std::vector<int64_t> block_of;  // variant -> its block, -1 when skipped
  Mlp2Weights(const torch::Tensor& w1, const torch::Tensor& b1, const torch::Tensor& w2_in, const torch::Tensor& b2_in,
              int64_t cols_in, float background, const std::vector<bool>& skipped = {})
      : variants(w2_in.size(0)), classes(w2_in.size(1)), cols(cols_in) {
    TORCH_CHECK(w1.size(0) == variants * kBlock && w2_in.size(2) == kBlock,
                "sparse_mlp2_logits: hidden width must be 64");
    std::vector<int64_t> kept;
    for (int64_t v = 0; v < variants; ++v) {
      const bool skip = !skipped.empty() && skipped[static_cast<size_t>(v)];
      block_of.push_back(skip ? -1 : static_cast<int64_t>(kept.size()));
      if (!skip) kept.push_back(v);
    }
    if (!kept.empty()) blocks = blocked_transpose(w1, cols, kept);
    bias = (b1 + w1.sum(1) * background).contiguous();
    w2 = w2_in.to(torch::kFloat32).contiguous();
    b2 = b2_in.to(torch::kFloat32).contiguous();
  }
  const float* block(int64_t v) const { return blocks.data_ptr<float>() + block_of[v] * cols * kBlock; }
  const float* bias_of(int64_t v) const { return bias.data_ptr<float>() + v * kBlock; }
  const float* w2_of(int64_t v) const { return w2.data_ptr<float>() + v * classes * kBlock; }
  const float* b2_of(int64_t v) const { return b2.data_ptr<float>() + v * classes; }
};

}  // namespace

torch::Tensor sparse_mlp2_logits(const SparseRows& x, const torch::Tensor& w1, const torch::Tensor& b1,
                                 const torch::Tensor& w2, const torch::Tensor& b2, HiddenActivation activation) {
  const Mlp2Weights w(w1, b1, w2, b2, x.cols, x.background);
  const int64_t k = w.classes;
  torch::Tensor logits = torch::empty({w.variants, k, x.rows}, torch::kFloat32);
  at::parallel_for(0, x.rows, 64, [&](int64_t begin, int64_t end) {
    for (int64_t v = 0; v < w.variants; ++v) {
      mlp2_block(x.start.data(), x.col.data(), x.val.data(), w.block(v), kBlock, w.bias_of(v), w.w2_of(v), w.b2_of(v),
                 k, activation, begin, end, x.rows, logits.data_ptr<float>() + v * k * x.rows);
    }
  });
  return logits;
}

torch::Tensor sparse_mlp2_logits(const SparseRowGroups& x, const torch::Tensor& w1, const torch::Tensor& b1,
                                 const torch::Tensor& w2, const torch::Tensor& b2, HiddenActivation activation,
                                 const ByteRowGroups* bytes, TernaryKernel kernel) {
  // Variants whose first layer is 0 and ±a run in integers on the byte inputs (packed here; they
  // need no float blocks).
  const int64_t variants = w2.size(0), packed_size = ternary_packed_size(x.cols);
  std::vector<int8_t> packed;
  std::vector<float> multiplier(static_cast<size_t>(variants), 0.0f);
  std::vector<bool> integer(static_cast<size_t>(variants), false);  // summed in integers (no float block)
  const torch::Tensor w1f = w1.to(torch::kFloat32).contiguous();
  if (bytes) {
    packed.resize(static_cast<size_t>(variants * packed_size));
    for (int64_t v = 0; v < variants; ++v) {
      float a = 0;
      const float* rows = w1f.data_ptr<float>() + v * kBlock * x.cols;
      if (pack_ternary(rows, x.cols, packed.data() + v * packed_size, &a)) {
        multiplier[static_cast<size_t>(v)] = a * bytes->scale;
        integer[static_cast<size_t>(v)] = true;
      }
    }
  }
  const Mlp2Weights w(w1f, b1, w2, b2, x.cols, x.background, integer);
  const int64_t k = w.classes;
  torch::Tensor logits = torch::empty({w.variants, k, x.rows}, torch::kFloat32);
  at::parallel_for(0, x.groups(), 16, [&](int64_t begin, int64_t end) {
    for (int64_t v = 0; v < w.variants; ++v) {
      float* out = logits.data_ptr<float>() + v * k * x.rows;
      if (integer[static_cast<size_t>(v)]) {
        ternary_mlp2_groups(*bytes, packed.data() + v * packed_size, multiplier[static_cast<size_t>(v)], w.bias_of(v),
                            w.w2_of(v), w.b2_of(v), k, activation, begin, end, out, kernel);
      } else {
        mlp2_group_block(x, w.block(v), w.bias_of(v), w.w2_of(v), w.b2_of(v), k, activation, begin, end, out);
      }
    }
  });
  return logits;
}

double SparseRowGroups::fill() const {
  int64_t stored = 0;
  for (float v : val) stored += v != 0 ? 1 : 0;
  return stored == 0 ? 1.0 : static_cast<double>(val.size()) / static_cast<double>(stored);
}

SparseRowGroups group_rows(const SparseRows& x, const std::vector<int64_t>& order) {
  TORCH_CHECK(static_cast<int64_t>(order.size()) == x.rows, "group_rows: order must list every row once");
  SparseRowGroups g;
  g.rows = x.rows;
  g.cols = x.cols;
  g.background = x.background;
  g.start.push_back(0);
  std::vector<float> dense(static_cast<size_t>(x.cols * kRowGroup));
  std::vector<char> used(static_cast<size_t>(x.cols));
  for (int64_t first = 0; first < x.rows; first += kRowGroup) {
    std::fill(dense.begin(), dense.end(), 0.0f);
    std::fill(used.begin(), used.end(), 0);
    for (int64_t i = 0; i < kRowGroup; ++i) {
      const int64_t r = first + i < x.rows ? order[static_cast<size_t>(first + i)] : -1;
      g.row.push_back(r);
      if (r < 0) continue;
      for (int64_t e = x.start[r]; e < x.start[r + 1]; ++e) {
        dense[static_cast<size_t>(x.col[e] * kRowGroup + i)] = x.val[e];
        used[static_cast<size_t>(x.col[e])] = 1;
      }
    }
    for (int64_t c = 0; c < x.cols; ++c) {
      if (!used[static_cast<size_t>(c)]) continue;
      g.col.push_back(static_cast<int32_t>(c));
      g.val.insert(g.val.end(), dense.begin() + c * kRowGroup, dense.begin() + (c + 1) * kRowGroup);
    }
    g.start.push_back(static_cast<int64_t>(g.col.size()));
  }
  return g;
}

SparseRowGroups group_similar_rows(const SparseRows& x, const torch::Tensor& labels) {
  // Within each class, the rows' nonzero patterns projected on their top two principal
  // directions: eight bands of the first, each ordered by the second, so neighbours in the order
  // are near each other in pattern space (MNIST pairs: fill 1.48-1.53 against 1.66-1.72 when
  // ordered by class and size alone).
  constexpr int64_t kBands = 8;
  const torch::Tensor l = labels.to(torch::kInt64).contiguous();
  const int64_t* label = l.data_ptr<int64_t>();
  std::map<int64_t, std::vector<int64_t>> by_class;
  for (int64_t r = 0; r < x.rows; ++r) by_class[label[r]].push_back(r);
  std::vector<int64_t> order;
  order.reserve(static_cast<size_t>(x.rows));
  for (auto& [cls, members] : by_class) {
    const auto m = static_cast<int64_t>(members.size());
    torch::Tensor pattern = torch::zeros({m, x.cols}, torch::kFloat32);
    float* p = pattern.data_ptr<float>();
    for (int64_t i = 0; i < m; ++i) {
      const int64_t r = members[static_cast<size_t>(i)];
      for (int64_t e = x.start[r]; e < x.start[r + 1]; ++e) p[i * x.cols + x.col[e]] = 1.0f;
    }
    std::vector<double> pc1(static_cast<size_t>(m), 0.0), pc2(static_cast<size_t>(m), 0.0);
    if (m > 2) {
      pattern -= pattern.mean(0, true);
      const torch::Tensor vh = std::get<2>(torch::linalg_svd(pattern, /*full_matrices=*/false));
      const torch::Tensor proj = pattern.matmul(vh.narrow(0, 0, 2).t()).to(torch::kFloat64).contiguous();
      const double* q = proj.data_ptr<double>();
      for (int64_t i = 0; i < m; ++i) {
        pc1[static_cast<size_t>(i)] = q[2 * i];
        pc2[static_cast<size_t>(i)] = q[2 * i + 1];
      }
    }
    std::vector<int64_t> by_pc1(static_cast<size_t>(m));
    std::iota(by_pc1.begin(), by_pc1.end(), 0);
    std::stable_sort(by_pc1.begin(), by_pc1.end(), [&](int64_t a, int64_t b) { return pc1[a] < pc1[b]; });
    std::vector<int64_t> band(static_cast<size_t>(m));
    for (int64_t k = 0; k < m; ++k) band[static_cast<size_t>(by_pc1[k])] = k * kBands / m;
    std::vector<int64_t> local(static_cast<size_t>(m));
    std::iota(local.begin(), local.end(), 0);
    std::stable_sort(local.begin(), local.end(),
                     [&](int64_t a, int64_t b) { return band[a] != band[b] ? band[a] < band[b] : pc2[a] < pc2[b]; });
    for (int64_t i : local) order.push_back(members[static_cast<size_t>(i)]);
  }
  return group_rows(x, order);
}

double SparseRows::density() const {
  return rows * cols == 0 ? 0.0 : static_cast<double>(val.size()) / static_cast<double>(rows * cols);
}

SparseRows sparse_rows(const torch::Tensor& x_in) {
  const torch::Tensor x = x_in.to(torch::kFloat32).contiguous();
  SparseRows s;
  s.rows = x.size(0);
  s.cols = x.size(1);
  const float* p = x.data_ptr<float>();
  std::map<float, int64_t> counts;
  for (int64_t i = 0; i < x.numel(); ++i) ++counts[p[i]];
  s.background = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
                   return a.second < b.second;
                 })->first;
  s.start.push_back(0);
  for (int64_t r = 0; r < s.rows; ++r) {
    for (int64_t c = 0; c < s.cols; ++c) {
      const float v = p[r * s.cols + c] - s.background;
      if (v != 0) {
        s.col.push_back(static_cast<int32_t>(c));
        s.val.push_back(v);
      }
    }
    s.start.push_back(static_cast<int64_t>(s.val.size()));
  }
  return s;
}

torch::Tensor sparse_linear(const SparseRows& x, const torch::Tensor& weight) {
  const int64_t m = weight.size(0);
  const int64_t padded = (m + kBlock - 1) / kBlock * kBlock;
  // Padded to whole blocks so the inner loop has a fixed trip count.
  std::vector<int64_t> block_ids(static_cast<size_t>(padded / kBlock));
  std::iota(block_ids.begin(), block_ids.end(), 0);
  const torch::Tensor blocks = blocked_transpose(weight, x.cols, block_ids);
  torch::Tensor out = torch::empty({padded, x.rows}, torch::kFloat32);
  const float* wp = blocks.data_ptr<float>();
  float* op = out.data_ptr<float>();
  at::parallel_for(0, x.rows, 64, [&](int64_t begin, int64_t end) {
    for (int64_t b0 = 0; b0 < padded; b0 += kBlock) {
      accumulate_block(x.start.data(), x.col.data(), x.val.data(), wp + (b0 / kBlock) * x.cols * kBlock, kBlock, b0,
                       begin, end, x.rows, op);
    }
  });
  torch::Tensor result = padded == m ? out : out.narrow(0, 0, m);
  // Background term: every sample adds c * (row sums of the weight).
  if (x.background != 0) result.add_(weight.sum(1, /*keepdim=*/true), x.background);
  return result;
}

}  // namespace netprobe::models
