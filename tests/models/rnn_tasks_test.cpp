// The RNN tasks: what each target and mask must be, seeded reproducibility, bad input.
#include "models/rnn_tasks.h"

#include <gtest/gtest.h>

#include "src/core/errors.h"

namespace netprobe::models {
namespace {

constexpr double kTaskDt = 0.05;

TEST(RnnTasks, FilterLossIsDtTimesSumOfSquares) {
  const RnnTaskData t = filter_task(0.2, kTaskDt, 400);
  EXPECT_DOUBLE_EQ(t.inputs[0][0].item<double>(), 1 / kTaskDt);
  EXPECT_EQ(t.inputs.sum().item<double>(), 1 / kTaskDt);
  EXPECT_NEAR(t.targets[0][19].item<double>(), std::exp(-0.2 * 1.0), 1e-15);  // t = 20 dt = 1
  const torch::Tensor y = torch::zeros_like(t.targets);
  EXPECT_NEAR(rnn_loss(y, t).item<double>(), kTaskDt * t.targets.pow(2).sum().item<double>(), 1e-14);
}

TEST(RnnTasks, FlipFlopTargetHoldsTheLastPulseSignAndMasksSwitches) {
  const RnnTaskData t = flip_flop_task(kTaskDt, 400, 16, 3);
  ASSERT_EQ(t.inputs.sizes(), torch::IntArrayRef({16, 400}));
  EXPECT_NEAR(t.weights.sum().item<double>(), 1.0, 1e-12);
  const auto settle = static_cast<int64_t>(std::lround(1 / kTaskDt));
  int64_t pulses = 0;
  for (int64_t b = 0; b < 16; ++b) {
    double held = 0;
    int64_t last = -1;
    for (int64_t k = 0; k < 400; ++k) {
      const double x = t.inputs[b][k].item<double>();
      if (x != 0) {
        EXPECT_DOUBLE_EQ(std::abs(x), 1 / kTaskDt);
        held = x > 0 ? 1 : -1;
        last = k;
        ++pulses;
      }
      if (k >= 40) {
        EXPECT_GE(last, 0) << "trial " << b << ": no pulse in the first tenth";
      }
      EXPECT_EQ(t.targets[b][k].item<double>(), held) << b << "," << k;
      const bool scored = t.weights[b][k].item<double>() > 0;
      EXPECT_EQ(scored, last >= 0 && k - last >= settle) << b << "," << k;
    }
    EXPECT_GE(last, 0) << "trial " << b << " has no pulse";
  }
  EXPECT_GT(pulses, 16);  // more than the forced first pulses: the rate process runs
  EXPECT_TRUE(flip_flop_task(kTaskDt, 400, 16, 3).inputs.equal(t.inputs));
  EXPECT_FALSE(flip_flop_task(kTaskDt, 400, 16, 4).inputs.equal(t.inputs));
}

TEST(RnnTasks, DecisionTargetIsTheSignOfTheMeanEvidenceAfterTheDelay) {
  const RnnTaskData t = noisy_decision_task(kTaskDt, 400, 64, 1);
  const torch::Tensor evidence = t.inputs.narrow(1, 0, 200).mean(1);
  const torch::Tensor sign = t.targets.select(1, 399);
  EXPECT_TRUE(t.inputs.narrow(1, 200, 200).eq(0).all().item<bool>());
  EXPECT_TRUE(t.weights.narrow(1, 0, 240).eq(0).all().item<bool>());
  EXPECT_TRUE(t.weights.narrow(1, 240, 160).gt(0).all().item<bool>());
  EXPECT_TRUE(sign.abs().eq(1).all().item<bool>());
  EXPECT_GT(sign.gt(0).sum().item<int64_t>(), 10);  // both answers occur
  EXPECT_GT(sign.lt(0).sum().item<int64_t>(), 10);
  // The noise is strong but the 200-step mean mostly agrees with the answer.
  EXPECT_GT((evidence.sign() == sign).to(torch::kFloat64).mean().item<double>(), 0.75);
}

TEST(RnnTasks, UnknownTaskAndTooFewTrialsAreUsageErrors) {
  EXPECT_THROW(make_rnn_task("copy", 0.2, kTaskDt, 100, 8, 0), core::UsageError);
  EXPECT_THROW(make_rnn_task("flipflop", 0.2, kTaskDt, 100, 0, 0), core::UsageError);
  EXPECT_THROW(make_rnn_task("decision", 0.2, kTaskDt, 3, 8, 0), core::UsageError);
  EXPECT_EQ(make_rnn_task("decision", 0.2, kTaskDt, 100, 8, 0).inputs.size(0), 8);
}

}  // namespace
}  // namespace netprobe::models
