#include "train/lr_schedule.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/errors.h"
#include "train/optimizer.h"

namespace netprobe::train {
namespace {

TEST(LrScheduleTest, CosineMatchesPyTorchCosineAnnealingPerEpoch) {
  EXPECT_DOUBLE_EQ(lr_at(LrScheduleKind::kCosine, 0.01, 0, 10), 0.01);
  EXPECT_NEAR(lr_at(LrScheduleKind::kCosine, 0.01, 5, 10), 0.005, 1e-15);
  EXPECT_NEAR(lr_at(LrScheduleKind::kCosine, 0.01, 1, 10), 0.01 * (1 + std::cos(M_PI / 10)) / 2, 1e-15);
  EXPECT_NEAR(lr_at(LrScheduleKind::kCosine, 0.01, 9, 10), 0.000244717418524232, 1e-15);
  for (int e = 0; e < 10; ++e) EXPECT_EQ(lr_at(LrScheduleKind::kConstant, 0.3, e, 10), 0.3);
}

TEST(LrScheduleTest, NamesParseAndUnknownNamesAreUsageErrors) {
  EXPECT_EQ(parse_lr_schedule("cosine"), LrScheduleKind::kCosine);
  EXPECT_EQ(to_string(parse_lr_schedule("constant")), "constant");
  EXPECT_THROW(parse_lr_schedule("step"), core::UsageError);
  EXPECT_EQ(parse_optimizer("sgd"), OptimizerKind::kSgd);
  EXPECT_THROW(parse_optimizer("lbfgs"), core::UsageError);
}

TEST(OptimizerTest, ParameterGroupsStepAtTheirOwnRate) {
  auto a = torch::zeros({3}, torch::requires_grad());
  auto b = torch::zeros({3}, torch::requires_grad());
  Optimizer opt({{{a}, 1.0}, {{b}, 10.0}}, {OptimizerKind::kSgd, 0.1});
  opt.set_lr(0.5);
  opt.zero_grad();
  (a.sum() + b.sum()).backward();
  opt.step();
  EXPECT_TRUE(a.detach().equal(torch::full({3}, -0.5f)));
  EXPECT_TRUE(b.detach().equal(torch::full({3}, -5.0f)));
  EXPECT_THROW(Optimizer({{{a}, 1.0}}, {OptimizerKind::kAdam, 0.0}), core::UsageError);
}

}  // namespace
}  // namespace netprobe::train
