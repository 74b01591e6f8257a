#include "models/ternary_first_layer.h"

#include <gtest/gtest.h>

#include "data/task.h"

namespace netprobe::models {
namespace {

// Images of bytes, mostly background, scaled as the data pipeline scales them.
torch::Tensor byte_images(int64_t n, int64_t cols, data::InputScale scale) {
  torch::manual_seed(3);
  const torch::Tensor bytes = torch::randint(1, 256, {n, cols}, torch::kUInt8) * torch::rand({n, cols}).lt(0.25);
  return data::normalize_images(bytes.to(torch::kUInt8), scale);
}

// A signed first layer for V variants, [V * 64, cols], 0 and ±a.
torch::Tensor ternary(int64_t V, int64_t cols, float a) {
  return torch::randint(-1, 2, {V * kSparseBlock, cols}).to(torch::kFloat32) * a;
}

TEST(TernaryFirstLayerTest, ImagesOfBothInputScalesAreReadAsTheirBytes) {
  for (auto [scale, expected] :
       {std::pair{data::InputScale::kUnit, 1.0f / 255}, {data::InputScale::kSigned, 2.0f / 255}}) {
    const torch::Tensor x = byte_images(37, 30, scale);
    const SparseRowGroups g = group_similar_rows(sparse_rows(x), torch::zeros({37}, torch::kLong));
    const auto b = byte_row_groups(g);
    ASSERT_TRUE(b.has_value());
    EXPECT_FLOAT_EQ(b->scale, expected);
    ASSERT_EQ(b->groups(), g.groups());
    // Every stored value is scale * its byte, in the right row and column; nothing else is stored.
    torch::Tensor rebuilt = torch::full({37, 30}, g.background);
    for (int64_t grp = 0; grp < b->groups(); ++grp) {
      for (int64_t e = b->start[grp]; e < b->start[grp + 1]; ++e) {
        for (int64_t i = 0; i < kRowGroup; ++i) {
          const int64_t r = b->row[grp * kRowGroup + i];
          const uint32_t word = b->bytes[e * kRowGroup + i];
          if (r < 0) {
            EXPECT_EQ(word, 0u);
            continue;
          }
          for (int j = 0; j < 4 && 4 * b->quad[e] + j < 30; ++j) {
            const auto byte = static_cast<float>((word >> (8 * j)) & 0xff);
            if (byte != 0) rebuilt[r][4 * b->quad[e] + j] = g.background + byte * b->scale;
          }
        }
      }
    }
    EXPECT_TRUE(torch::allclose(rebuilt, x, 0, 1e-5));
  }
}

TEST(TernaryFirstLayerTest, InputsThatAreNotScaledBytesAreRefused) {
  const torch::Tensor x = torch::randn({20, 30}) * torch::rand({20, 30}).lt(0.2);
  const SparseRowGroups g = group_similar_rows(sparse_rows(x), torch::zeros({20}, torch::kLong));
  EXPECT_FALSE(byte_row_groups(g).has_value());
}

TEST(TernaryFirstLayerTest, PackingTakesZeroAndPlusMinusOneMagnitudeOnly) {
  const int64_t cols = 30;  // not a multiple of 4: the last quad is padded with zeros
  torch::Tensor rows = (torch::randint(-1, 2, {kSparseBlock, cols}).to(torch::kFloat32) * 0.25f).contiguous();
  std::vector<int8_t> packed(static_cast<size_t>(ternary_packed_size(cols)), 7);
  float a = 0;
  ASSERT_TRUE(pack_ternary(rows.data_ptr<float>(), cols, packed.data(), &a));
  EXPECT_EQ(a, 0.25f);
  for (int64_t c = 0; c < 32; ++c) {
    for (int64_t t = 0; t < kSparseBlock; ++t) {
      const int8_t expected = c < cols ? static_cast<int8_t>(rows[t][c].item<float>() * 4) : 0;
      ASSERT_EQ(packed[(c / 4) * 256 + 4 * t + c % 4], expected) << c << " " << t;
    }
  }
  rows[5][3] = 0.5f;  // a second magnitude
  EXPECT_FALSE(pack_ternary(rows.data_ptr<float>(), cols, packed.data(), &a));
  rows[5][3] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(pack_ternary(rows.data_ptr<float>(), cols, packed.data(), &a));
}

TEST(TernaryFirstLayerTest, IntegerLogitsEqualTheExactFirstLayerAndMatchFloat) {
  const int64_t n = 61, cols = 30, V = 3, k = 2;
  const torch::Tensor x = byte_images(n, cols, data::InputScale::kSigned);
  const torch::Tensor labels = torch::randint(0, 2, {n}, torch::kLong);
  const SparseRows s = sparse_rows(x);
  const SparseRowGroups g = group_similar_rows(s, labels);
  const auto bytes = byte_row_groups(g);
  ASSERT_TRUE(bytes.has_value());
  // Variant 1 is not ternary: it must take the float kernel, bit for bit.
  torch::Tensor w1 = ternary(V, cols, 1.0f);
  w1.narrow(0, kSparseBlock, kSparseBlock).copy_(torch::randn({kSparseBlock, cols}));
  const torch::Tensor b1 = torch::randint(-1, 2, {V * kSparseBlock}).to(torch::kFloat32);
  const torch::Tensor w2 = torch::randint(-1, 2, {V, k, kSparseBlock}).to(torch::kFloat32);
  const torch::Tensor b2 = torch::randint(-1, 2, {V, k}).to(torch::kFloat32);
  const auto act = HiddenActivation::kRelu;
  const torch::Tensor as_float = sparse_mlp2_logits(g, w1, b1, w2, b2, act);
  const torch::Tensor portable = sparse_mlp2_logits(g, w1, b1, w2, b2, act, &*bytes, TernaryKernel::kPortable);
  EXPECT_TRUE(torch::equal(portable[1], as_float[1]));
  // Every kernel this CPU can run gives the same logits, bit for bit.
  for (auto [kernel, available] :
       {std::pair{TernaryKernel::kVnni, vnni_available()}, std::pair{TernaryKernel::kAvx2, avx2_available()}}) {
    if (!available) {
      GTEST_LOG_(INFO) << "kernel " << static_cast<int>(kernel) << " cannot run on this CPU: not compared";
      continue;
    }
    EXPECT_TRUE(torch::equal(sparse_mlp2_logits(g, w1, b1, w2, b2, act, &*bytes, kernel), portable));
  }
  // The exact value, in float64 from the bytes: the integer kernel's first layer is exact, so its
  // logits differ from it by the float rounding of the rest only; the float kernel is close too.
  const torch::Tensor r = ((x.to(torch::kFloat64) + 1) * 127.5).round();
  for (int64_t v : {0, 2}) {
    const torch::Tensor w = w1.narrow(0, v * kSparseBlock, kSparseBlock).to(torch::kFloat64);
    const torch::Tensor h =
        (r.matmul(w.t()) * (2.0 / 255) - w.sum(1) + b1.narrow(0, v * kSparseBlock, kSparseBlock).to(torch::kFloat64))
            .relu();
    const torch::Tensor exact = h.matmul(w2[v].to(torch::kFloat64).t()) + b2[v].to(torch::kFloat64);  // [n, k]
    EXPECT_TRUE(torch::allclose(portable[v].t().to(torch::kFloat64), exact, 0, 1e-4)) << v;
    EXPECT_TRUE(torch::allclose(as_float[v].t().to(torch::kFloat64), exact, 0, 1e-3)) << v;
  }
}

}  // namespace
}  // namespace netprobe::models
