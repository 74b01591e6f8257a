#include "models/sparse_input.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <map>

namespace netprobe::models {
namespace {

constexpr int64_t kBlock = 64;  // output columns per pass: 4 AVX-512 accumulators, w block in L2

// One block of kBlock output features for a range of sample rows: acc = sum over the row's
// entries of value * w_t[col, block], written feature-major (out[feature, row]). Cloned for
// AVX-512 and AVX2 (dispatched at load time), so the fixed-size inner loop becomes a few
// register-resident FMAs per entry; the w_t block (cols x 64 floats) stays in L2 across rows.
__attribute__((target_clones("avx512f", "avx2", "default"))) void accumulate_block(
    const int64_t* start, const int32_t* col, const float* val, const float* w_t, int64_t m, int64_t b0,
    int64_t row_begin, int64_t row_end, int64_t rows, float* out) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    float acc[kBlock] = {};
    for (int64_t k = start[r]; k < start[r + 1]; ++k) {
      const float v = val[k];
      const float* wr = w_t + static_cast<int64_t>(col[k]) * m + b0;
#pragma GCC unroll 64
      for (int64_t t = 0; t < kBlock; ++t) acc[t] += v * wr[t];
    }
    for (int64_t t = 0; t < kBlock; ++t) out[(b0 + t) * rows + r] = acc[t];
  }
}

}  // namespace

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
  // w_t [cols, padded]: rows of the transposed weight are contiguous, padded to whole blocks so
  // the inner loop has a fixed trip count.
  torch::Tensor w_t = torch::zeros({x.cols, padded}, torch::kFloat32);
  w_t.narrow(1, 0, m).copy_(weight.t());
  torch::Tensor out = torch::empty({padded, x.rows}, torch::kFloat32);
  const float* wp = w_t.data_ptr<float>();
  float* op = out.data_ptr<float>();
  at::parallel_for(0, x.rows, 64, [&](int64_t begin, int64_t end) {
    for (int64_t b0 = 0; b0 < padded; b0 += kBlock) {
      accumulate_block(x.start.data(), x.col.data(), x.val.data(), wp, padded, b0, begin, end, x.rows, op);
    }
  });
  torch::Tensor result = padded == m ? out : out.narrow(0, 0, m);
  // Background term: every sample adds c * (row sums of the weight).
  if (x.background != 0) result.add_(weight.sum(1, /*keepdim=*/true), x.background);
  return result;
}

}  // namespace netprobe::models
