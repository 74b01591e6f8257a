#pragma once
/// The part of the fused two-layer kernels after the first layer's sums: hidden bias and
/// activation on one row's 64 pre-activations, then its k logits. Shared by the float kernel
/// (models/sparse_input.cpp) and the integer one (models/ternary_first_layer.cpp); only ever
/// inlined into their target clones.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "models/sparse_input.h"

namespace netprobe::models::detail {

inline __attribute__((always_inline)) float activate(float z, HiddenActivation activation) {
  return activation == HiddenActivation::kRelu   ? (z > 0 ? z : 0.0f)
         : activation == HiddenActivation::kTanh ? std::tanh(z)
                                                 : 1.0f / (1.0f + std::exp(-z));
}

inline __attribute__((always_inline)) void hidden_to_logits(float* acc, const float* bias, const float* w2,
                                                            const float* b2, int64_t k, HiddenActivation activation,
                                                            int64_t rows, int64_t r, float* logits) {
  for (int64_t t = 0; t < kSparseBlock; ++t) acc[t] = activate(acc[t] + bias[t], activation);
  for (int64_t c = 0; c < k; ++c) {
    float sum = b2[c];
    for (int64_t t = 0; t < kSparseBlock; ++t) sum += w2[c * kSparseBlock + t] * acc[t];
    logits[c * rows + r] = sum;
  }
}

typedef float Lane4 __attribute__((vector_size(16)));

/// hidden_to_logits for the four rows of a row group at once, bit for bit: each logit is still
/// b2 + the 64 products added in order, but the four rows' sums advance side by side in one
/// vector, so the adds no longer wait on each other (one row's chain of 64 dependent adds per
/// class: the grouped kernel runs 10 % faster without it, bench_probes BM_FusedSparse). `acc`
/// holds the rows' pre-activations (kRowGroup x 64); `row` their sample indices, -1 for padding.
inline __attribute__((always_inline)) void group_to_logits(const float* acc, const int64_t* row, const float* bias,
                                                           const float* w2, const float* b2, int64_t k,
                                                           HiddenActivation activation, int64_t rows, float* logits) {
  static_assert(kRowGroup == 4, "one Lane4 holds a group's rows");
  alignas(16) float h[kSparseBlock][kRowGroup];  // activations, unit-major: one Lane4 per unit
  for (int64_t i = 0; i < kRowGroup; ++i) {
    for (int64_t t = 0; t < kSparseBlock; ++t) h[t][i] = activate(acc[i * kSparseBlock + t] + bias[t], activation);
  }
  for (int64_t c = 0; c < k; ++c) {
    Lane4 sum = {b2[c], b2[c], b2[c], b2[c]};
    for (int64_t t = 0; t < kSparseBlock; ++t) {
      Lane4 a;
      std::memcpy(&a, h[t], sizeof a);
      Lane4 product = w2[c * kSparseBlock + t] * a;
      // Rounded on its own, as the one-row head rounds it: no fused multiply-add.
      asm("" : "+x"(product));
      sum += product;
    }
    for (int64_t i = 0; i < kRowGroup; ++i) {
      if (row[i] >= 0) logits[c * rows + row[i]] = sum[i];
    }
  }
}

}  // namespace netprobe::models::detail
