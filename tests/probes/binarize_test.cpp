#include "probes/binarize.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

class BinarizeTest : public ::testing::Test {
 protected:
  at::Generator gen = core::make_generator(5);
};

TEST_F(BinarizeTest, BinarizeIsSignOrScaledSign) {
  const torch::Tensor w = torch::tensor({-0.5f, 0.0f, 2.0f, 0.25f});
  EXPECT_TRUE(binarize(w, false).equal(torch::tensor({-1.0f, 0.0f, 1.0f, 1.0f})));
  testing::expect_close(binarize(w, true), torch::tensor({-0.6875f, 0.0f, 0.6875f, 0.6875f}));
}

}  // namespace
}  // namespace netprobe::probes
