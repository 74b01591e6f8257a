#include "probes/intervals.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

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

// P(X <= k) and P(X >= k) for X hypergeometric, by direct summation of exact binomial terms.
double hypergeometric_tail(int64_t k, int64_t n, int64_t members, int64_t population, bool at_most) {
  const auto choose = [](int64_t a, int64_t b) {
    if (b < 0 || b > a) return 0.0;
    double c = 1;
    for (int64_t i = 1; i <= b; ++i) c = c * static_cast<double>(a - b + i) / static_cast<double>(i);
    return c;
  };
  double p = 0;
  for (int64_t j = 0; j <= n; ++j) {
    if (at_most ? j <= k : j >= k) p += choose(members, j) * choose(population - members, n - j);
  }
  return p / choose(population, n);
}

TEST(IntervalsTest, PopulationCountsAreTheCountsTheSampleDoesNotRuleOut) {
  const int64_t population = 60, n = 20;
  for (double alpha : {0.05, 1e-6}) {
    for (int64_t k = 0; k <= n; ++k) {
      int64_t high = -1, low = -1;
      for (int64_t members = 0; members <= population; ++members) {
        if (hypergeometric_tail(k, n, members, population, true) > alpha) high = members;
        if (low < 0 && hypergeometric_tail(k, n, members, population, false) > alpha) low = members;
      }
      const CountBounds b = population_count(k, n, population, alpha);
      EXPECT_EQ(b.high, high) << k << " " << alpha;
      EXPECT_EQ(b.low, low) << k << " " << alpha;
    }
  }
  // The whole population sampled: its count, exactly.
  EXPECT_EQ(population_count(7, 60, 60, 1e-9).low, 7);
  EXPECT_EQ(population_count(7, 60, 60, 1e-9).high, 7);
}

// Test sets whose every example is known: a sample's settled verdict is always the whole set's,
// clear cases settle on small samples, and the whole set gives verdict() itself.
TEST(IntervalsTest, VerdictsSettledOnASampleAreTheWholeTestSets) {
  const int64_t examples = 10000, right = 8500;
  std::mt19937_64 rng(3);
  int settled_safe = 0, settled_failed = 0, open = 0;
  // Each draw's examples: 0 = unchanged, 1 = lost, 2 = gained; intact right first.
  const auto outcomes = [&](int64_t lost, int64_t gained) {
    std::vector<int> o(examples, 0);
    std::fill(o.begin(), o.begin() + lost, 1);
    std::fill(o.begin() + right, o.begin() + right + gained, 2);
    return o;
  };
  for (const std::vector<std::pair<int64_t, int64_t>>& level :
       std::vector<std::vector<std::pair<int64_t, int64_t>>>{{{0, 0}},
                                                             {{3, 1}},
                                                             {{20, 4}},
                                                             {{40, 38}},
                                                             {{150, 140}},
                                                             {{60, 5}},
                                                             {{90, 0}},
                                                             {{120, 10}},
                                                             {{300, 20}},
                                                             {{4000, 100}},
                                                             {{2, 0}, {5, 1}, {0, 0}},
                                                             {{30, 5}, {80, 5}, {60, 2}},
                                                             {{500, 9}, {700, 3}, {650, 30}}}) {
    std::vector<std::vector<int>> draws;
    std::vector<SampledCounts> whole;
    std::vector<Drop> drops;
    for (const auto& [lost, gained] : level) {
      draws.push_back(outcomes(lost, gained));
      whole.push_back({examples, lost, gained});
      drops.push_back(paired_drop(lost, gained, examples));
    }
    const Verdict truth = verdict(mean_drop(drops), 1.0);
    EXPECT_EQ(whole_set_verdict(whole, examples, 1.0), truth);
    for (int trial = 0; trial < 10; ++trial) {
      std::vector<int64_t> order(examples);
      for (int64_t i = 0; i < examples; ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), rng);
      for (int64_t n : {256, 1024, 4096}) {
        std::vector<SampledCounts> sample;
        for (const auto& o : draws) {
          SampledCounts c{n, 0, 0};
          for (int64_t i = 0; i < n; ++i) {
            c.lost += o[order[i]] == 1;
            c.gained += o[order[i]] == 2;
          }
          sample.push_back(c);
        }
        const std::optional<Verdict> v = whole_set_verdict(sample, examples, 1.0);
        if (!v) {
          ++open;
          continue;
        }
        EXPECT_EQ(*v, truth) << level.front().first << " on " << n;
        (*v == Verdict::kSafe ? settled_safe : settled_failed) += 1;
      }
    }
  }
  EXPECT_GT(settled_safe, 0);
  EXPECT_GT(settled_failed, 0);
  EXPECT_GT(open, 0);  // levels near the limit wait for the whole test set
}

}  // namespace
}  // namespace netprobe::probes
