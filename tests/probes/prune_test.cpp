#include "probes/prune.h"

#include <gtest/gtest.h>

#include "probes/binarize.h"
#include "probes/flip.h"

#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

class PruneTest : public ::testing::Test {
 protected:
  at::Generator gen = core::make_generator(5);
};

TEST_F(PruneTest, MagnitudePruningReachesExactSparsityAndKeepsTheLargest) {
  const torch::Tensor w = testing::weight_matrix(64, 784, false);
  const torch::Tensor before = w.clone();
  for (double p : {0.0, 0.1, 0.35, 0.5, 0.9, 0.999, 1.0}) {
    const torch::Tensor out = prune(w, p, Pick::kSmallest, gen);
    const int64_t keep = fraction_count(1 - p, w.numel());
    EXPECT_EQ(out.ne(0).sum().item<int64_t>(), keep) << p;
    const torch::Tensor kept = out.ne(0);
    EXPECT_TRUE(out.masked_select(kept).equal(w.masked_select(kept)));  // survivors unchanged
    if (keep > 0 && keep < w.numel()) {
      EXPECT_GE(w.abs().masked_select(kept).min().item<float>(), w.abs().masked_select(~kept).max().item<float>());
    }
  }
  EXPECT_TRUE(w.equal(before));  // input never modified
}

TEST_F(PruneTest, PruningControlsRemoveRandomOrLargestEntries) {
  const torch::Tensor w = testing::weight_matrix(10, 30, false);
  const torch::Tensor largest = prune(w, 0.4, Pick::kLargest, gen);
  const torch::Tensor kept = largest.ne(0);
  EXPECT_EQ(kept.sum().item<int64_t>(), 180);
  EXPECT_LE(w.abs().masked_select(kept).max().item<float>(), w.abs().masked_select(~kept).min().item<float>());
  const torch::Tensor r1 = prune(w, 0.4, Pick::kRandom, gen), r2 = prune(w, 0.4, Pick::kRandom, gen);
  EXPECT_EQ(r1.ne(0).sum().item<int64_t>(), 180);
  EXPECT_FALSE(r1.equal(r2));
}

TEST_F(PruneTest, PruningAndFlippingCountEntriesOfAConvKernelAsAWhole) {
  const torch::Tensor w = testing::weight_matrix(8, 3 * 5 * 5, false).view({8, 3, 5, 5});  // 600 entries
  const torch::Tensor pruned = prune(w, 0.9, Pick::kSmallest, gen);
  EXPECT_EQ(pruned.ne(0).sum().item<int64_t>(), 60);
  EXPECT_GE(pruned.abs().max().item<float>(), w.abs().max().item<float>());
  EXPECT_EQ(flip_signs(w, 0.25, Pick::kRandom, gen).sign().ne(w.sign()).sum().item<int64_t>(), 150);
  EXPECT_TRUE(binarize(w, false).abs().eq(1).all().item<bool>());
}

}  // namespace
}  // namespace netprobe::probes
