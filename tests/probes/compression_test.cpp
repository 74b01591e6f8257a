// The per-layer compression answer from sweep rows: the contiguous-prefix rule, Δ with flip50,
// realized sparsity, and scopes kept apart.
#include "probes/compression.h"

#include <gtest/gtest.h>

#include "probes/presets.h"

namespace netprobe::probes {
namespace {

CurvePoint point(double level, double accuracy) { return {level, Spread{accuracy, accuracy, accuracy, 1}}; }

TEST(CompressionTest, LargestLevelStopsAtTheFirstLevelBelowTheFloor) {
  // 0.7 recovers, but 0.6 already dropped: the safe level is 0.5.
  const std::vector<CurvePoint> curve = {point(0, 96), point(0.5, 95.5), point(0.6, 94), point(0.7, 95.8)};
  EXPECT_DOUBLE_EQ(largest_level_within(curve, 95.0), 0.5);
  EXPECT_DOUBLE_EQ(largest_level_within(curve, 90.0), 0.7);
  EXPECT_TRUE(std::isnan(largest_level_within(curve, 97.0)));  // even the first level drops further
  EXPECT_TRUE(std::isnan(largest_level_within({}, 0.0)));      // probe not run
}

SweepRow row(const std::string& probe, const std::string& variant, const std::string& scope, double level,
             double accuracy, int draw = 0, int64_t zeros = 0) {
  SweepRow r{"t",   0,    ProbeId::parse(probe), variant,  Mode::kFull, Scope::parse(scope),
             level, draw, Metric::kAccuracy,     accuracy, 0.1};
  r.report = {100, zeros, zeros};
  return r;
}

TEST(CompressionTest, AnswersPerScopeFromTheirOwnRowsOnly) {
  std::vector<SweepRow> rows = {row("none", "-", "all", 0, 90)};
  // fc1: magnitude pruning safe to 0.5 (floor 89), random pruning to 0.3 (mean of two draws).
  for (auto [p, acc] : std::vector<std::pair<double, double>>{{0, 90}, {0.3, 89.5}, {0.5, 89}, {0.7, 70}}) {
    rows.push_back(row("prune", "magnitude", "fc1", p, acc, 0, static_cast<int64_t>(p * 100)));
  }
  for (auto [p, a, b] : std::vector<std::tuple<double, double, double>>{{0, 90, 90}, {0.3, 89, 89.4}, {0.5, 87, 90}}) {
    rows.push_back(row("prune", "random", "fc1", p, a, 0));
    rows.push_back(row("prune", "random", "fc1", p, b, 1));
  }
  rows.push_back(row("binarize", "sign", "fc1", 0, 30));  // a reliably wrong binary classifier: flip50 = 70
  rows.push_back(row("shuffle", "B", "fc1", 0, 80, 0));
  rows.push_back(row("shuffle", "B", "fc1", 0, 84, 1));
  // fc2 only binarized, and it survives.
  rows.push_back(row("binarize", "sign", "fc2", 0, 89.5));
  // Rows of scope "all" must not leak into fc1's answer.
  rows.push_back(row("prune", "magnitude", "all", 0.3, 10));

  const auto layers = compress_by_layer(rows, {Scope::parse("fc1"), Scope::parse("fc2")}, {{"fc1", 0.5}}, /*classes=*/2,
                                        /*max_drop=*/1.0);
  ASSERT_EQ(layers.size(), 2u);
  const LayerCompression& fc1 = layers[0];
  EXPECT_EQ(fc1.layer, "fc1");
  EXPECT_EQ(fc1.entries, 100);
  EXPECT_DOUBLE_EQ(fc1.full_accuracy, 90);
  EXPECT_DOUBLE_EQ(fc1.max_prune_magnitude, 0.5);
  EXPECT_DOUBLE_EQ(fc1.sparsity_magnitude, 0.5);
  EXPECT_DOUBLE_EQ(fc1.max_prune_random, 0.3);  // 0.5 averages 88.5 < 89
  EXPECT_TRUE(std::isnan(fc1.max_noise));       // not run
  EXPECT_DOUBLE_EQ(fc1.binarized_accuracy, 30);
  EXPECT_FALSE(fc1.binarize_survives);
  EXPECT_DOUBLE_EQ(fc1.delta_bin, 90 - 70);
  EXPECT_DOUBLE_EQ(fc1.shuffled_accuracy, 82);
  EXPECT_DOUBLE_EQ(fc1.delta_shuf, 8);
  const LayerCompression& fc2 = layers[1];
  EXPECT_TRUE(fc2.binarize_survives);
  EXPECT_DOUBLE_EQ(fc2.delta_bin, 0.5);
  EXPECT_TRUE(std::isnan(fc2.sigma_w));
  EXPECT_TRUE(std::isnan(fc2.max_prune_magnitude));

  const auto back = core::Json::parse(core::Json(fc1).dump()).get<LayerCompression>();
  EXPECT_EQ(core::Json(back).dump(), core::Json(fc1).dump());
  EXPECT_TRUE(std::isnan(core::Json::parse(core::Json(fc2).dump()).get<LayerCompression>().sigma_w));  // null <-> NaN
  const std::string table = format_compression_table(layers, 1.0);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 2 + 2);
  EXPECT_NE(table.find("fc2"), std::string::npos);
}

TEST(CompressionTest, SweepsCoverEveryScopeWithTheDefaultGrids) {
  const auto specs = compression_preset({Scope::all(), Scope::parse("conv")}, 3);
  ASSERT_EQ(specs.size(), 10u);
  EXPECT_EQ(specs[0].scope().label(), "all");
  EXPECT_EQ(specs[5].scope().label(), "conv");
  for (const auto& spec : specs) EXPECT_FALSE(spec.evaluates(Mode::kSigned)) << spec.probe().name;
  // per scope: 23 magnitude + 23 x 3 random + 30 x 3 noise + 1 binarize + 3 shuffles
  EXPECT_EQ(count_evaluations(specs), 1 + 2 * (23 + 69 + 90 + 1 + 3));
}

}  // namespace
}  // namespace netprobe::probes
