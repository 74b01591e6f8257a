#include "probes/flip.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

class FlipTest : public ::testing::Test {
 protected:
  at::Generator gen = core::make_generator(5);
};

TEST_F(FlipTest, FlipChangesExactlyKSignsOfTheSmallestEntries) {
  const torch::Tensor w = testing::weight_matrix(16, 50, false);
  for (double q : {0.0, 0.25, 0.4, 1.0}) {
    const torch::Tensor out = flip_signs(w, q, Pick::kSmallest, gen);
    const int64_t k = fraction_count(q, w.numel());
    const torch::Tensor flipped = out.ne(w);
    EXPECT_EQ(flipped.sum().item<int64_t>(), k) << q;
    EXPECT_TRUE(out.abs().equal(w.abs()));
    EXPECT_TRUE(out.masked_select(flipped).equal(-w.masked_select(flipped)));
    if (k > 0 && k < w.numel()) {
      EXPECT_LE(w.abs().masked_select(flipped).max().item<float>(),
                w.abs().masked_select(~flipped).min().item<float>());
    }
  }
  const torch::Tensor big = flip_signs(w, 0.1, Pick::kLargest, gen);
  EXPECT_GE(w.abs().masked_select(big.ne(w)).min().item<float>(), w.abs().masked_select(big.eq(w)).max().item<float>());
  EXPECT_EQ(flip_signs(w, 0.3, Pick::kRandom, gen).ne(w).sum().item<int64_t>(), 240);
}

}  // namespace
}  // namespace netprobe::probes
