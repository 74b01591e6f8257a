#include "probes/prune_structured.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

TEST(PruneStructuredTest, WholeRowsOfTheSmallestNormGo) {
  // Row norms (L1, L2): (6, 3.74), (60, 37.4), (9, 5.20), (0.6, 0.35), (7.5, 7.5). Rows 2 and 4
  // swap places between the two orders.
  const torch::Tensor w =
      torch::tensor({{1.f, 2.f, 3.f}, {10.f, 20.f, 30.f}, {3.f, 3.f, 3.f}, {0.2f, 0.2f, 0.2f}, {7.5f, 0.f, 0.f}});
  const auto zero_rows = [](const torch::Tensor& t) { return t.abs().sum(1).eq(0); };
  // Keep floor(0.4 * 5) = 2 rows: by L1 rows 1 and 2 (60, 9), by L2 rows 1 and 4 (37.4, 7.5).
  EXPECT_TRUE(zero_rows(prune_rows(w, 0.6, 1.0)).equal(torch::tensor({true, false, false, true, true})));
  EXPECT_TRUE(zero_rows(prune_rows(w, 0.6, 2.0)).equal(torch::tensor({true, false, true, true, false})));
  EXPECT_FALSE(zero_rows(prune_rows(w, 0.0, 2.0)).any().item<bool>());
  // Survivors keep their values; a conv kernel's rows are its filters.
  const torch::Tensor kernel = testing::weight_matrix(8, 18, false).view({8, 2, 3, 3});
  const torch::Tensor pruned = prune_rows(kernel, 0.5, 1.0);
  EXPECT_EQ(pruned.reshape({8, -1}).abs().sum(1).ne(0).sum().item<int64_t>(), 4);
  const torch::Tensor kept = pruned.ne(0);
  EXPECT_TRUE(pruned.masked_select(kept).equal(kernel.masked_select(kept)));
}

}  // namespace
}  // namespace netprobe::probes
