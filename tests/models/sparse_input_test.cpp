#include "models/sparse_input.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/test_support.h"

namespace netprobe::models {
namespace {

// Image-like rows: mostly the background value -1, some pixels in (-1, 1].
torch::Tensor image_like(int64_t rows, int64_t cols) {
  torch::manual_seed(2);
  torch::Tensor x = torch::full({rows, cols}, -1.0f);
  const torch::Tensor ink = torch::rand({rows, cols}).lt(0.2);
  return torch::where(ink, torch::rand({rows, cols}) * 2 - 1, x);
}

TEST(SparseInputTest, CompressesAroundTheMostCommonValue) {
  const torch::Tensor x = torch::tensor({{-1.0f, 0.5f, -1.0f}, {-1.0f, -1.0f, 1.0f}});
  const SparseRows s = sparse_rows(x);
  EXPECT_EQ(s.background, -1.0f);
  EXPECT_EQ(s.start, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(s.col, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(s.val, (std::vector<float>{1.5f, 2.0f}));
  EXPECT_DOUBLE_EQ(s.density(), 2.0 / 6.0);
}

TEST(SparseInputTest, LinearMatchesDenseProductForAnyWidth) {
  const torch::Tensor x = image_like(37, 50);
  const SparseRows s = sparse_rows(x);
  for (int64_t m : {1, 64, 100, 130}) {
    const torch::Tensor w = torch::randn({m, 50});
    testing::expect_close(sparse_linear(s, w), w.matmul(x.t()), 1e-4, 1e-4);
  }
}

TEST(SparseInputTest, ZeroBackgroundAndEmptyRows) {
  torch::Tensor x = torch::zeros({4, 6});
  x[1][3] = 2.0f;
  const SparseRows s = sparse_rows(x);
  EXPECT_EQ(s.background, 0.0f);
  const torch::Tensor w = torch::randn({3, 6});
  testing::expect_close(sparse_linear(s, w), w.matmul(x.t()), 1e-6, 1e-6);
}

TEST(SparseInputTest, FusedTwoLayerLogitsMatchTheUnfusedComputation) {
  const torch::Tensor x = image_like(45, 30);
  const SparseRows s = sparse_rows(x);
  const int64_t V = 3, k = 2;
  const torch::Tensor w1 = torch::randn({V * kSparseBlock, 30}), b1 = torch::randn({V * kSparseBlock});
  const torch::Tensor w2 = torch::randn({V, k, kSparseBlock}), b2 = torch::randn({V, k});
  for (auto [act, fn] :
       {std::pair{HiddenActivation::kRelu, &torch::relu}, std::pair{HiddenActivation::kTanh, &torch::tanh},
        std::pair{HiddenActivation::kSigmoid, &torch::sigmoid}}) {
    const torch::Tensor logits = sparse_mlp2_logits(s, w1, b1, w2, b2, act);
    ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{V, k, 45}));
    for (int64_t v = 0; v < V; ++v) {
      const torch::Tensor h =
          fn(x.matmul(w1.narrow(0, v * kSparseBlock, kSparseBlock).t()) + b1.narrow(0, v * kSparseBlock, kSparseBlock));
      testing::expect_close(logits[v], (h.matmul(w2[v].t()) + b2[v]).t(), 1e-4, 1e-4);
    }
  }
}

TEST(SparseInputTest, GroupedRowsGiveTheSameLogitsBitForBit) {
  const torch::Tensor x = image_like(47, 30);  // 47 rows: the last group is padded
  const SparseRows s = sparse_rows(x);
  std::vector<int64_t> order(47);
  for (int64_t r = 0; r < 47; ++r) order[static_cast<size_t>(r)] = (r * 13) % 47;  // any permutation
  const SparseRowGroups g = group_rows(s, order);
  ASSERT_EQ(g.groups(), 12);
  std::vector<int64_t> seen;
  for (int64_t r : g.row) {
    if (r >= 0) seen.push_back(r);
  }
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), 47u);
  for (int64_t r = 0; r < 47; ++r) EXPECT_EQ(seen[static_cast<size_t>(r)], r);
  EXPECT_GE(g.fill(), 1.0);
  for (int64_t k = 0; k < g.groups(); ++k) {  // each union ascending, so every row sums in column order
    EXPECT_TRUE(std::is_sorted(g.col.begin() + g.start[k], g.col.begin() + g.start[k + 1]));
  }
  const int64_t V = 3, k = 2;
  const torch::Tensor w1 = torch::randn({V * kSparseBlock, 30}), b1 = torch::randn({V * kSparseBlock});
  const torch::Tensor w2 = torch::randn({V, k, kSparseBlock}), b2 = torch::randn({V, k});
  for (auto act : {HiddenActivation::kRelu, HiddenActivation::kTanh, HiddenActivation::kSigmoid}) {
    EXPECT_TRUE(torch::equal(sparse_mlp2_logits(g, w1, b1, w2, b2, act), sparse_mlp2_logits(s, w1, b1, w2, b2, act)));
  }
}

}  // namespace
}  // namespace netprobe::models
