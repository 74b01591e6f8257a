#pragma once
/// The first layer of a signed network in integer arithmetic. Image inputs are bytes r (0..255)
/// before their affine scaling, x - background = scale * r, and a signed first layer holds only
/// 0 and ±a. Then W x' = a * scale * (sign(W) r), and sign(W) r is an exact int32 sum of
/// u8 x s8 products: four per instruction with AVX-512 VNNI (vpdpbusd), where float needs one
/// multiply-add per product. The rest of the network stays in float. Integer sums are exact, so
/// a result differs from the float kernel's only where float rounding had decided an argmax.
///
///   auto bytes = byte_row_groups(grouped);            // nullopt: the inputs are not scaled bytes
///   std::vector<int8_t> packed(ternary_packed_size(cols));
///   float a;  if (pack_ternary(rows, cols, packed.data(), &a)) ...   // 0 and ±a only
#include <cstdint>
#include <optional>
#include <vector>

#include "models/sparse_input.h"

namespace netprobe::models {

/// SparseRowGroups with each stored value a byte: value = scale * r exactly as the data
/// pipeline computed it, r in 1..255. Columns come four at a time (a quad 4q .. 4q+3), so that
/// one 32-bit word holds a row's four bytes of a quad.
struct ByteRowGroups {
  int64_t rows = 0, cols = 0;
  float scale = 0;
  std::vector<int64_t> row;     ///< kRowGroup sample indices per group, -1 for padding
  std::vector<int64_t> start;   ///< groups + 1 offsets into quad
  std::vector<int32_t> quad;    ///< each group's quads with a stored entry, ascending
  std::vector<uint32_t> bytes;  ///< kRowGroup words per entry of quad: row i's bytes, column 4q + j in byte j
  int64_t groups() const { return static_cast<int64_t>(start.size()) - 1; }
};

/// The byte form of x when every stored value is scale * r for one scale of 1/255 or 2/255 (the
/// data pipeline's two input scales) and integer r in 1..255 (to float rounding); nullopt otherwise.
std::optional<ByteRowGroups> byte_row_groups(const SparseRowGroups& x);

/// Bytes of a packed 64-unit first layer over `cols` inputs: [quads][64][4].
int64_t ternary_packed_size(int64_t cols);

/// Packs one variant's first layer, `rows` [64][cols] (unit-major, as nn.Linear holds it), into
/// [quads][64][4] int8 (unit t, column 4q + j at q * 256 + 4t + j; columns past cols are 0) when
/// its entries are all 0 or ±a for one a > 0, and sets *magnitude = a. False (and nothing
/// meaningful in out) otherwise.
bool pack_ternary(const float* rows, int64_t cols, int8_t* out, float* magnitude);

/// Whether this CPU has AVX-512 VNNI (kAuto's first choice), AVX2 (its second; else kPortable).
/// Every kernel computes the same exact sums, so results do not depend on the CPU.
bool vnni_available();
bool avx2_available();

/// The fused two-layer logits of one variant whose first layer is packed (pack_ternary) for a
/// range of row groups, as sparse_mlp2_logits computes them in float: logits[c * rows + r].
/// `bias` includes the background term, `multiplier` = magnitude * x.scale.
void ternary_mlp2_groups(const ByteRowGroups& x, const int8_t* packed, float multiplier, const float* bias,
                         const float* w2, const float* b2, int64_t k, HiddenActivation activation, int64_t group_begin,
                         int64_t group_end, float* logits, TernaryKernel kernel = TernaryKernel::kAuto);

}  // namespace netprobe::models
