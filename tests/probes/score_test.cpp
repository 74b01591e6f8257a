#include "probes/score.h"

#include <cmath>

#include <gtest/gtest.h>

namespace netprobe::probes {
namespace {

SweepRow row(uint64_t seed, const std::string& probe, const std::string& variant, const std::string& mode, double level,
             double accuracy, int draw = 0) {
  SweepRow r;
  r.task = "t";
  r.seed = seed;
  r.probe = ProbeId::parse(probe);
  r.variant = variant;
  r.mode = parse_mode(mode);
  r.level = level;
  r.draw = draw;
  r.value = accuracy;
  return r;
}

TEST(ScoreTest, RowsOfALayerProfileNeverEnterTheScores) {
  std::vector<SweepRow> rows;
  for (uint64_t seed : {0, 1, 2}) {
    rows.push_back(row(seed, "none", "-", "full", 0, 99));
    rows.push_back(row(seed, "binarize", "sign", "full", 0, 60));
    rows.push_back(row(seed, "shuffle", "B", "full", 0, 70));
    rows.push_back(row(seed, "prune", "magnitude", "signed", 0.5, 80));
  }
  const TaskScore plain = score_task(rows, 2, {0.1, 0.1, 0.1});
  for (uint64_t seed : {0, 1, 2}) {
    for (const char* layer : {"fc1", "fc2"}) {
      for (SweepRow r : {row(seed, "binarize", "sign", "full", 0, 95), row(seed, "shuffle", "B", "full", 0, 20),
                         row(seed, "prune", "magnitude", "signed", 0.5, 99)}) {
        r.scope = Scope::parse(layer);
        rows.push_back(r);
      }
    }
  }
  const TaskScore profiled = score_task(rows, 2, {0.1, 0.1, 0.1});
  EXPECT_DOUBLE_EQ(profiled.binarized.median, 60);
  EXPECT_DOUBLE_EQ(profiled.delta_bin, 39);
  EXPECT_DOUBLE_EQ(profiled.delta_shuf, 29);
  EXPECT_DOUBLE_EQ(profiled.prune_binarize.accuracy, 80);
  EXPECT_EQ(profiled.to_json().dump(), plain.to_json().dump());
}

TEST(ScoreTest, TaskScoreRoundTripsThroughJsonWithUndefinedValues) {
  std::vector<SweepRow> rows = {row(0, "none", "-", "full", 0, 50), row(0, "binarize", "sign", "full", 0, 50)};
  const TaskScore s = score_task(rows, 2, {0.1});  // full = chance: the normalized score is 0/0
  const TaskScore back = TaskScore::from_json(s.to_json());
  EXPECT_TRUE(std::isnan(back.norm_bin));
  EXPECT_FALSE(back.noise_signed.found);
  EXPECT_EQ(back.to_json().dump(), s.to_json().dump());
}

TEST(ScoreTest, ProbesNotRunAreNullNotZero) {
  std::vector<SweepRow> rows = {row(0, "none", "-", "full", 0, 90), row(0, "binarize", "sign", "full", 0, 60)};
  const core::Json j = core::Json::parse(score_task(rows, 2, {0.1}).to_json().dump());  // as written
  EXPECT_DOUBLE_EQ(j["delta_bin"].get<double>(), 30);
  for (const char* key : {"delta_shuf", "norm_shuf", "noise_signed_peak_sigma", "noise_signed_peak"}) {
    EXPECT_TRUE(j[key].is_null()) << key << ": " << j[key];
  }
  EXPECT_EQ(j["shuffled_B"]["n"], 0);
}

TEST(ScoreTest, Flip50OnlyForBinaryTasksBelowChance) {
  EXPECT_EQ(flip50(30, 2), 70);
  EXPECT_EQ(flip50(50, 2), 50);
  EXPECT_EQ(flip50(80, 2), 80);
  EXPECT_EQ(flip50(30, 10), 30);
}

TEST(ScoreTest, SpreadUsesLinearInterpolation) {
  const Spread s = spread({4, 1, 3, 2});
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.q1, 1.75);
  EXPECT_DOUBLE_EQ(s.q3, 3.25);
  EXPECT_EQ(s.n, 4);
  EXPECT_DOUBLE_EQ(spread({7}).q3, 7);
}

TEST(ScoreTest, DeltasAreMediansOfFlip50OverSeeds) {
  std::vector<SweepRow> rows;
  const double full[] = {99, 98, 97}, bin[] = {30, 52, 60}, shuf_draws[3][2] = {{90, 92}, {80, 82}, {40, 44}};
  for (uint64_t s = 0; s < 3; ++s) {
    rows.push_back(row(s, "none", "-", "full", 0, full[s]));
    rows.push_back(row(s, "binarize", "sign", "full", 0, bin[s]));
    for (int d = 0; d < 2; ++d) rows.push_back(row(s, "shuffle", "B", "full", 0, shuf_draws[s][d], d));
  }
  const TaskScore score = score_task(rows, 2, {0.1, 0.2, 0.3});
  EXPECT_EQ(score.seeds, 3);
  EXPECT_DOUBLE_EQ(score.full.median, 98);
  EXPECT_DOUBLE_EQ(score.binarized.median, 52);  // raw accuracies
  EXPECT_DOUBLE_EQ(score.delta_bin, 98 - 60);    // flip50: {70, 52, 60} -> median 60
  EXPECT_DOUBLE_EQ(score.shuffled.median, 81);   // per-seed draw means {91, 81, 42}
  EXPECT_DOUBLE_EQ(score.delta_shuf, 98 - 81);   // flip50: {91, 81, 58} -> 81
  EXPECT_DOUBLE_EQ(score.norm_bin, 38.0 / 48.0);
  EXPECT_DOUBLE_EQ(score.sigma_w, 0.2);
  EXPECT_FALSE(score.prune_binarize.found);
}

TEST(ScoreTest, CurvesAreasAndPeaks) {
  std::vector<SweepRow> rows;
  for (uint64_t s = 0; s < 2; ++s) {
    for (double p : {0.0, 0.5, 1.0}) {
      rows.push_back(row(s, "prune", "magnitude", "full", p, 90));
      rows.push_back(row(s, "prune", "magnitude", "signed", p, p == 0.5 ? 80.0 + static_cast<double>(s) : 50.0));
    }
  }
  const auto signed_curve = seed_curve(rows, {ProbeId::parse("prune"), "magnitude", Mode::kSigned});
  ASSERT_EQ(signed_curve.size(), 3u);
  EXPECT_DOUBLE_EQ(signed_curve[1].value.median, 80.5);
  const Peak p = peak_of(signed_curve);
  EXPECT_TRUE(p.found);
  EXPECT_DOUBLE_EQ(p.accuracy, 80.5);
  EXPECT_DOUBLE_EQ(p.level, 0.5);
  // Differences 40, 9.5, 40 on [0, 1]: trapezoids (40 + 9.5)/2 * 0.5 twice = 24.75.
  EXPECT_DOUBLE_EQ(area_between(seed_curve(rows, {ProbeId::parse("prune"), "magnitude"}), signed_curve, false), 24.75);
  EXPECT_DOUBLE_EQ(score_task(rows, 2, {}).areas["prune/magnitude"].get<double>(), 24.75);
}

TEST(ScoreTest, SpearmanHandlesTiesAndOrder) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 0.9486832980505138, 1e-12);
}

}  // namespace
}  // namespace netprobe::probes
