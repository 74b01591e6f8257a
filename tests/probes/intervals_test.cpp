#include "probes/intervals.h"

#include <cmath>

#include <gtest/gtest.h>

namespace netprobe::probes {
namespace {

TEST(IntervalsTest, WilsonIntervalsOfKnownProportions) {
  const Interval i = wilson(850, 1000);
  EXPECT_NEAR(i.low, 82.6531, 1e-3);
  EXPECT_NEAR(i.high, 87.0790, 1e-3);
  // The score interval stays inside [0, 100] and is not empty at the edges.
  EXPECT_NEAR(wilson(0, 20).low, 0.0, 1e-12);
  EXPECT_NEAR(wilson(0, 20).high, 16.1125, 1e-3);
  EXPECT_NEAR(wilson(20, 20).low, 83.8875, 1e-3);
  EXPECT_NEAR(wilson(20, 20).high, 100.0, 1e-12);
  EXPECT_TRUE(std::isnan(wilson(0, 0).low));
}

TEST(IntervalsTest, PairedDropsUseTheDiscordantExamplesOnly) {
  const Drop d = paired_drop(12, 3, 1000);
  EXPECT_DOUBLE_EQ(d.point, 0.9);
  EXPECT_NEAR(d.low, 0.11776, 1e-4);
  EXPECT_NEAR(d.high, 1.67865, 1e-4);
  // No discordant example: symmetric about 0, half-width 1.96 / (n + 2), shrinking with n.
  const Drop none = paired_drop(0, 0, 500);
  EXPECT_DOUBLE_EQ(none.point, 0);
  EXPECT_NEAR(none.high, 0.39043, 1e-4);
  EXPECT_NEAR(none.low, -none.high, 1e-12);
  EXPECT_LT(paired_drop(0, 0, 5000).high, none.high);
  // Gains are negative drops.
  EXPECT_LT(paired_drop(0, 10, 1000).high, 0);
}

TEST(IntervalsTest, VerdictsOnTheIntervalAndWithoutOne) {
  EXPECT_EQ(verdict(paired_drop(12, 3, 1000), 2.0), Verdict::kSafe);       // [0.12, 1.68] within 2
  EXPECT_EQ(verdict(paired_drop(12, 3, 1000), 1.0), Verdict::kUncertain);  // straddles 1
  EXPECT_EQ(verdict(paired_drop(12, 3, 1000), 0.1), Verdict::kFailed);     // entirely above 0.1
  EXPECT_EQ(verdict({0.5, 0.5, 0.5, false}, 1.0), Verdict::kSafe);         // a point alone decides
  EXPECT_EQ(verdict({1.5, 1.5, 1.5, false}, 1.0), Verdict::kFailed);
  EXPECT_EQ(verdict({std::nan(""), std::nan(""), std::nan(""), true}, 1.0), Verdict::kFailed);  // never safe
  EXPECT_EQ(verdict_name(Verdict::kUncertain), "uncertain");
}

TEST(IntervalsTest, DrawsAddTheirSpreadButNotDivideTheSamplingError) {
  const Drop a = paired_drop(10, 0, 1000), b = paired_drop(30, 0, 1000);
  const Drop same = mean_drop({a, a, a});
  EXPECT_DOUBLE_EQ(same.point, a.point);
  EXPECT_NEAR(same.high - same.low, a.high - a.low, 1e-12);  // identical draws: the one draw's interval
  const Drop spread = mean_drop({a, b});
  EXPECT_DOUBLE_EQ(spread.point, 2.0);
  EXPECT_GT(spread.high - spread.low, b.high - b.low);  // wider than either draw's
  const Drop points = mean_drop({{1, 1, 1, false}, {3, 3, 3, false}});
  EXPECT_FALSE(points.has_interval);
  EXPECT_DOUBLE_EQ(points.point, 2.0);
}

}  // namespace
}  // namespace netprobe::probes
