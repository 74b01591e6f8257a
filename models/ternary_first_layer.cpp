#include "models/ternary_first_layer.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "models/mlp2_head.h"

namespace netprobe::models {
namespace {

using detail::group_to_logits;
static_assert(kRowGroup == 4 && kSparseBlock == 64, "the kernels hold four rows of 64 units");
constexpr int64_t kQuadBytes = 4 * kSparseBlock;  // one quad of a packed layer: 64 units x 4 columns

std::optional<ByteRowGroups> bytes_at_scale(const SparseRowGroups& x, double scale) {
  ByteRowGroups b;
  b.rows = x.rows;
  b.cols = x.cols;
  b.scale = static_cast<float>(scale);
  b.row = x.row;
  b.start.push_back(0);
  for (int64_t g = 0; g < x.groups(); ++g) {
    for (int64_t e = x.start[g]; e < x.start[g + 1]; ++e) {
      const int32_t q = x.col[e] / 4, j = x.col[e] % 4;
      if (b.quad.size() == static_cast<size_t>(b.start.back()) || b.quad.back() != q) {
        b.quad.push_back(q);
        b.bytes.insert(b.bytes.end(), kRowGroup, 0u);
      }
      for (int64_t i = 0; i < kRowGroup; ++i) {
        const double v = x.val[static_cast<size_t>(e * kRowGroup + i)];
        const double r = std::round(v / scale);
        // 1e-5 absorbs the float rounding of the pipeline's scaling; bytes are 0.0039 apart.
        if (r < 0 || r > 255 || std::abs(v - r * scale) > 1e-5) return std::nullopt;
        b.bytes[b.bytes.size() - kRowGroup + static_cast<size_t>(i)] |= static_cast<uint32_t>(r) << (8 * j);
      }
    }
    b.start.push_back(static_cast<int64_t>(b.quad.size()));
  }
  return b;
}

// One group's 4 x 64 int32 sums, converted to float and scaled, then the rows' logits.
inline __attribute__((always_inline)) void group_logits(const ByteRowGroups& x, int64_t g, const int32_t* sums,
                                                        float multiplier, const float* bias, const float* w2,
                                                        const float* b2, int64_t k, HiddenActivation activation,
                                                        float* logits) {
  float acc[kRowGroup * kSparseBlock];
  for (int64_t e = 0; e < kRowGroup * kSparseBlock; ++e) acc[e] = static_cast<float>(sums[e]) * multiplier;
  group_to_logits(acc, x.row.data() + g * kRowGroup, bias, w2, b2, k, activation, x.rows, logits);
}

// Per quad: the 256 weight bytes in four registers, and for each row one broadcast word and four
// vpdpbusd (16 units x 4 columns each): 16 accumulators.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void groups_vnni(
    const ByteRowGroups& x, const int8_t* packed, float multiplier, const float* bias, const float* w2, const float* b2,
    int64_t k, HiddenActivation activation, int64_t group_begin, int64_t group_end, float* logits) {
  for (int64_t g = group_begin; g < group_end; ++g) {
    __m512i a[kRowGroup][4];
    for (auto& row : a) {
      for (auto& v : row) v = _mm512_setzero_si512();
    }
    for (int64_t e = x.start[g]; e < x.start[g + 1]; ++e) {
      const int8_t* w = packed + static_cast<int64_t>(x.quad[e]) * kQuadBytes;
      const __m512i w0 = _mm512_loadu_si512(w), w1 = _mm512_loadu_si512(w + 64);
      const __m512i w2v = _mm512_loadu_si512(w + 128), w3 = _mm512_loadu_si512(w + 192);
      const uint32_t* word = x.bytes.data() + e * kRowGroup;
      for (int64_t i = 0; i < kRowGroup; ++i) {
        const __m512i r = _mm512_set1_epi32(static_cast<int>(word[i]));
        a[i][0] = _mm512_dpbusd_epi32(a[i][0], r, w0);
        a[i][1] = _mm512_dpbusd_epi32(a[i][1], r, w1);
        a[i][2] = _mm512_dpbusd_epi32(a[i][2], r, w2v);
        a[i][3] = _mm512_dpbusd_epi32(a[i][3], r, w3);
      }
    }
    alignas(64) int32_t sums[kRowGroup * kSparseBlock];
    for (int64_t i = 0; i < kRowGroup; ++i) {
      for (int64_t v = 0; v < 4; ++v) _mm512_store_si512(sums + i * kSparseBlock + v * 16, a[i][v]);
    }
    group_logits(x, g, sums, multiplier, bias, w2, b2, k, activation, logits);
  }
}

// The same sums with AVX2 (no VNNI): vpmaddubsw multiplies u8 x s8 and adds pairs into int16
// (at most 2 x 255: no saturation with weights of 0 and ±1), vpmaddwd against ones adds those
// pairs into the unit's int32 lane: vpdpbusd in three instructions. 8 units per register.
__attribute__((target("avx2"))) void groups_avx2(const ByteRowGroups& x, const int8_t* packed, float multiplier,
                                                 const float* bias, const float* w2, const float* b2, int64_t k,
                                                 HiddenActivation activation, int64_t group_begin, int64_t group_end,
                                                 float* logits) {
  const __m256i ones = _mm256_set1_epi16(1);
  for (int64_t g = group_begin; g < group_end; ++g) {
    __m256i a[kRowGroup][8];
    for (auto& row : a) {
      for (auto& v : row) v = _mm256_setzero_si256();
    }
    for (int64_t e = x.start[g]; e < x.start[g + 1]; ++e) {
      const int8_t* w = packed + static_cast<int64_t>(x.quad[e]) * kQuadBytes;
      __m256i wv[8];
      for (int64_t v = 0; v < 8; ++v) wv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32 * v));
      const uint32_t* word = x.bytes.data() + e * kRowGroup;
      for (int64_t i = 0; i < kRowGroup; ++i) {
        if (word[i] == 0) continue;
        const __m256i r = _mm256_set1_epi32(static_cast<int>(word[i]));
        for (int64_t v = 0; v < 8; ++v) {
          a[i][v] = _mm256_add_epi32(a[i][v], _mm256_madd_epi16(_mm256_maddubs_epi16(r, wv[v]), ones));
        }
      }
    }
    alignas(32) int32_t sums[kRowGroup * kSparseBlock];
    for (int64_t i = 0; i < kRowGroup; ++i) {
      for (int64_t v = 0; v < 8; ++v) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(sums + i * kSparseBlock + v * 8), a[i][v]);
      }
    }
    group_logits(x, g, sums, multiplier, bias, w2, b2, k, activation, logits);
  }
}

// The same sums in plain C++ (what a CPU without AVX2 runs).
void groups_portable(const ByteRowGroups& x, const int8_t* packed, float multiplier, const float* bias, const float* w2,
                     const float* b2, int64_t k, HiddenActivation activation, int64_t group_begin, int64_t group_end,
                     float* logits) {
  for (int64_t g = group_begin; g < group_end; ++g) {
    int32_t sums[kRowGroup * kSparseBlock] = {};
    for (int64_t e = x.start[g]; e < x.start[g + 1]; ++e) {
      const int8_t* w = packed + static_cast<int64_t>(x.quad[e]) * kQuadBytes;
      for (int64_t i = 0; i < kRowGroup; ++i) {
        const uint32_t word = x.bytes[static_cast<size_t>(e * kRowGroup + i)];
        if (word == 0) continue;
        const int32_t r0 = word & 0xff, r1 = (word >> 8) & 0xff, r2 = (word >> 16) & 0xff, r3 = word >> 24;
        int32_t* s = sums + i * kSparseBlock;
        for (int64_t t = 0; t < kSparseBlock; ++t) {
          s[t] += r0 * w[4 * t] + r1 * w[4 * t + 1] + r2 * w[4 * t + 2] + r3 * w[4 * t + 3];
        }
      }
    }
    group_logits(x, g, sums, multiplier, bias, w2, b2, k, activation, logits);
  }
}

}  // namespace

std::optional<ByteRowGroups> byte_row_groups(const SparseRowGroups& x) {
  if (x.background != 0.0f && x.background != -1.0f) return std::nullopt;  // not [0, 1] or [-1, 1] images
  for (double scale : {1.0 / 255.0, 2.0 / 255.0}) {
    if (auto b = bytes_at_scale(x, scale)) return b;
  }
  return std::nullopt;
}

int64_t ternary_packed_size(int64_t cols) { return (cols + 3) / 4 * kQuadBytes; }

bool pack_ternary(const float* rows, int64_t cols, int8_t* out, float* magnitude) {
  if (cols <= 0) return false;
  const int64_t n = kSparseBlock * cols;
  float a = 0;
  for (int64_t i = 0; i < n && a == 0; ++i) a = std::fabs(rows[i]);
  if (!std::isfinite(a)) return false;
  // One branch-free pass (vectorized): is any entry neither 0 nor ±a (NaN and inf included)?
  int other = 0;
  for (int64_t i = 0; i < n; ++i)
    other |= static_cast<int>(rows[i] != 0.0f) & static_cast<int>(std::fabs(rows[i]) != a);
  if (other != 0) return false;
  const int64_t quads = (cols + 3) / 4;
  for (int64_t q = 0; q < quads; ++q) {
    int8_t* dst = out + q * kQuadBytes;
    for (int64_t t = 0; t < kSparseBlock; ++t) {
      const float* src = rows + t * cols + 4 * q;
      for (int64_t j = 0; j < 4; ++j) {
        const float w = 4 * q + j < cols ? src[j] : 0.0f;
        dst[4 * t + j] = static_cast<int8_t>(static_cast<int>(w > 0) - static_cast<int>(w < 0));
      }
    }
  }
  *magnitude = a == 0 ? 1.0f : a;
  return true;
}

bool vnni_available() {
  static const bool available = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
  return available;
}

bool avx2_available() {
  static const bool available = __builtin_cpu_supports("avx2");
  return available;
}

void ternary_mlp2_groups(const ByteRowGroups& x, const int8_t* packed, float multiplier, const float* bias,
                         const float* w2, const float* b2, int64_t k, HiddenActivation activation, int64_t group_begin,
                         int64_t group_end, float* logits, TernaryKernel kernel) {
  if (kernel == TernaryKernel::kAuto) {
    kernel = vnni_available()   ? TernaryKernel::kVnni
             : avx2_available() ? TernaryKernel::kAvx2
                                : TernaryKernel::kPortable;
  }
  TORCH_CHECK(
      (kernel != TernaryKernel::kVnni || vnni_available()) && (kernel != TernaryKernel::kAvx2 || avx2_available()),
      "ternary_mlp2_groups: this CPU cannot run the kernel asked for");
  switch (kernel) {
    case TernaryKernel::kVnni:
      groups_vnni(x, packed, multiplier, bias, w2, b2, k, activation, group_begin, group_end, logits);
      break;
    case TernaryKernel::kAvx2:
      groups_avx2(x, packed, multiplier, bias, w2, b2, k, activation, group_begin, group_end, logits);
      break;
    default: groups_portable(x, packed, multiplier, bias, w2, b2, k, activation, group_begin, group_end, logits);
  }
}

}  // namespace netprobe::models
