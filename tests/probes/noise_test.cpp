#include "probes/noise.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

class NoiseTest : public ::testing::Test {
 protected:
  at::Generator gen = core::make_generator(5);
};

TEST_F(NoiseTest, NoiseTouchesOnlyNonZerosWithinRange) {
  const torch::Tensor w = testing::weight_matrix(20, 40, true);
  const double a = 0.125;
  const torch::Tensor out = add_noise(w, a, NoiseKind::kUniform, gen);
  EXPECT_TRUE(out.masked_select(w.eq(0)).eq(0).all().item<bool>());
  const torch::Tensor delta = (out - w).masked_select(w.ne(0));
  EXPECT_LE(delta.abs().max().item<float>(), a);
  EXPECT_GT(delta.abs().max().item<float>(), 0.9 * a);  // fills its range
  EXPECT_NEAR(delta.mean().item<float>(), 0.0, 0.02);
  const torch::Tensor mult = add_noise(w, 0.5, NoiseKind::kMultiplicative, gen);
  EXPECT_TRUE(mult.masked_select(w.eq(0)).eq(0).all().item<bool>());
  EXPECT_LE(((mult / w).masked_select(w.ne(0)) - 1).abs().max().item<float>(), 0.5 + 1e-6);
}

}  // namespace
}  // namespace netprobe::probes
