#pragma once
/// The part of the fused two-layer kernels after the first layer's sums: hidden bias and
/// activation on one row's 64 pre-activations, then its k logits. Shared by the float kernel
/// (models/sparse_input.cpp) and the integer one (models/ternary_first_layer.cpp); only ever
/// inlined into their target clones.
#include <cmath>
#include <cstdint>

#include "models/sparse_input.h"

namespace netprobe::models::detail {

inline __attribute__((always_inline)) void hidden_to_logits(float* acc, const float* bias, const float* w2,
                                                            const float* b2, int64_t k, HiddenActivation activation,
                                                            int64_t rows, int64_t r, float* logits) {
  for (int64_t t = 0; t < kSparseBlock; ++t) {
    const float z = acc[t] + bias[t];
    acc[t] = activation == HiddenActivation::kRelu   ? (z > 0 ? z : 0.0f)
             : activation == HiddenActivation::kTanh ? std::tanh(z)
                                                     : 1.0f / (1.0f + std::exp(-z));
  }
  for (int64_t c = 0; c < k; ++c) {
    float sum = b2[c];
    for (int64_t t = 0; t < kSparseBlock; ++t) sum += w2[c * kSparseBlock + t] * acc[t];
    logits[c * rows + r] = sum;
  }
}

}  // namespace netprobe::models::detail
