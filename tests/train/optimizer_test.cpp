#include "train/optimizer.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace netprobe::train {
namespace {

// One SGD step on loss = sum(p) moves every entry by -rate: the group's scale times the base rate.
TEST(OptimizerTest, EachGroupStepsAtItsScaleTimesTheBaseRate) {
  torch::Tensor a = torch::zeros({3}, torch::requires_grad()), b = torch::zeros({2}, torch::requires_grad());
  Optimizer opt({{{a}, 1.0}, {{b}, 10.0}}, {OptimizerKind::kSgd, 0.01});
  EXPECT_DOUBLE_EQ(opt.base_lr(), 0.01);
  const auto step = [&] {
    opt.zero_grad();
    (a.sum() + b.sum()).backward();
    opt.step();
  };
  step();
  EXPECT_TRUE(torch::allclose(a, torch::full({3}, -0.01)));
  EXPECT_TRUE(torch::allclose(b, torch::full({2}, -0.1)));
  opt.set_lr(0.5);  // a schedule sets the base rate; the scales stay
  step();
  EXPECT_TRUE(torch::allclose(a, torch::full({3}, -0.51)));
  EXPECT_TRUE(torch::allclose(b, torch::full({2}, -5.1)));
  EXPECT_DOUBLE_EQ(opt.base_lr(), 0.01);  // the rate it was made with
}

TEST(OptimizerTest, NamesRoundTripAndBadValuesNameTheOption) {
  for (OptimizerKind k : {OptimizerKind::kAdam, OptimizerKind::kSgd}) EXPECT_EQ(parse_optimizer(to_string(k)), k);
  EXPECT_THROW(parse_optimizer("rmsprop"), core::UsageError);
  torch::Tensor p = torch::zeros({1}, torch::requires_grad());
  for (double lr : {0.0, -1.0, std::nan("")}) {
    try {
      Optimizer({{{p}, 1.0}}, {OptimizerKind::kAdam, lr});
      ADD_FAILURE() << lr;
    } catch (const core::UsageError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--lr:", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace netprobe::train
