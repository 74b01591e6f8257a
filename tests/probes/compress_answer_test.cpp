// The compression answer: the two-round rule, the largest safe level of a curve that dips and
// recovers, and early-stopped sweeps that give exactly the exhaustive answers.
#include "probes/compress_answer.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "probes/adaptive_sweep.h"
#include "probes/entry_picks.h"
#include "tests/support/probe_targets.h"

namespace netprobe::probes {
namespace {

constexpr int64_t kExamples = 1000;

// A model whose metric depends only on the fraction z of its zero weights: no loss below z = 0.3,
// 5 % of the examples lost for z in [0.3, 0.4), none again in [0.4, 0.6), then 20 %: a curve that
// dips and recovers. Every variant is compared with the intact model (all examples right).
Evaluation synthetic(const core::NamedTensors& params) {
  const torch::Tensor& w = params.front().second;
  const double z = static_cast<double>(count_zeros(w)) / static_cast<double>(w.numel());
  const double lost_share = z < 0.3 ? 0 : z < 0.4 ? 0.05 : z < 0.6 ? 0 : 0.2;
  const auto lost = static_cast<int64_t>(lost_share * kExamples);
  return {100.0 - 100.0 * static_cast<double>(lost) / kExamples, 0.1, kExamples, lost, 0, 0};
}

struct Synthetic {
  core::NamedTensors params = {{"w.weight", torch::arange(1, 101, torch::kFloat).view({10, 10})}};
  ProbeTarget target = testing::target_of(params, RoleSet::weights());
  std::vector<Scope> scopes = {Scope::all(), Scope::parse("w")};
  std::vector<std::string> probes = {"magnitude", "random", "noise", "binarize"};
  std::vector<SweepSpec> specs = compress_specs(target, probes, scopes, 5, {});
  BatchEvaluator evaluate = [](const std::vector<core::NamedTensors>& v) {
    std::vector<Evaluation> out;
    for (const auto& p : v) out.push_back(synthetic(p));
    return out;
  };
  std::vector<SweepRow> run(bool exhaustive) const {
    AdaptiveOptions options;
    options.exhaustive = exhaustive;
    return run_adaptive_sweeps(target, specs, evaluate, {"synthetic", 0}, compress_judge(1.0, 2), options);
  }
};

TEST(CompressAnswerTest, TheAnswerStopsAtTheDipOfACurveThatRecovers) {
  const Synthetic s;
  const auto rows = s.run(true);
  const auto layers = answer_layers(rows, s.scopes, s.target, s.probes, 1.0, 2);
  ASSERT_EQ(layers.size(), 2u);
  const ProbeAnswer* magnitude = layers[1].find("magnitude");
  ASSERT_NE(magnitude, nullptr);
  EXPECT_DOUBLE_EQ(magnitude->safe_level, 0.2);  // 0.3 loses 5 %: failed, although 0.4 .. 0.55 recover
  EXPECT_DOUBLE_EQ(magnitude->next_level, 0.3);
  EXPECT_EQ(magnitude->next_verdict, "failed");
  EXPECT_DOUBLE_EQ(magnitude->sparsity, 0.2);
  EXPECT_NEAR(magnitude->next_drop, 5.0, 1e-12);
  const ProbeAnswer* noise = layers[1].find("noise");
  EXPECT_DOUBLE_EQ(noise->safe_level, 1.0);  // no zero appears: every level safe
  EXPECT_TRUE(noise->next_verdict.empty());
  EXPECT_EQ(layers[1].entries, 100);
}

TEST(CompressAnswerTest, EarlyStoppedSweepsGiveTheExhaustiveAnswers) {
  const Synthetic s;
  const auto all = s.run(true), early = s.run(false);
  EXPECT_EQ(static_cast<int64_t>(all.size()), count_evaluations(s.specs));
  EXPECT_LT(early.size(), all.size());  // noise never fails here: only pruning stops early
  const auto a = answer_layers(all, s.scopes, s.target, s.probes, 1.0, 2);
  const auto b = answer_layers(early, s.scopes, s.target, s.probes, 1.0, 2);
  ASSERT_EQ(a.size(), b.size());
  for (size_t l = 0; l < a.size(); ++l) {
    ASSERT_EQ(a[l].probes.size(), b[l].probes.size());
    for (size_t p = 0; p < a[l].probes.size(); ++p) {
      ProbeAnswer x = a[l].probes[p], y = b[l].probes[p];
      EXPECT_LE(y.evaluations, x.evaluations) << x.probe;
      x.evaluations = y.evaluations = 0;
      EXPECT_EQ(core::Json(x).dump(), core::Json(y).dump()) << a[l].layer << " " << x.probe;
    }
  }
  // The random pruning's failing level was decided by its first two draws alone.
  int random_at_failure = 0;
  for (const auto& r : early) {
    if (r.variant == "random" && r.scope == Scope::parse("w") && r.level == 0.3) ++random_at_failure;
  }
  EXPECT_EQ(random_at_failure, 2);
}

TEST(CompressAnswerTest, AFirstRoundThatFailsClearlyDecidesAlone) {
  SweepRow intact{"t", 0, ProbeId::intact(), "-", Mode::kFull, Scope::all()};
  intact.value = 100;
  std::vector<SweepRow> level;
  for (int draw = 0; draw < 5; ++draw) {
    SweepRow r{"t", 0, ProbeId::parse("prune"), "random", Mode::kFull, Scope::all(), 0.5, draw};
    r.report = {100, 50, 50};
    r.examples = kExamples;
    r.lost = draw < 2 ? 100 : 0;  // the first two draws lose 10 %, the other three nothing
    r.gained = 0;
    level.push_back(r);
  }
  const LevelJudgement early = judge_level(level, intact, 1.0, 2);
  EXPECT_EQ(early.verdict, Verdict::kFailed);
  EXPECT_TRUE(early.early);
  EXPECT_EQ(early.draws, 2);
  const LevelJudgement all = judge_level(level, intact, 1.0, 5);  // a first round of every draw
  EXPECT_FALSE(all.early);
  EXPECT_EQ(all.draws, 5);
  EXPECT_NEAR(all.drop.point, 4.0, 1e-12);
  // An unchanged variant is the intact model: no drop, however few the examples.
  SweepRow same = level[0];
  same.report.changed = 0;
  same.examples = 10;
  EXPECT_EQ(judge_level({same}, intact, 0.01, 2).verdict, Verdict::kSafe);
}

TEST(CompressAnswerTest, AFirstRoundThatIsClearlySafeDecidesAloneAndOneUnclearDrawDoesNot) {
  SweepRow intact{"t", 0, ProbeId::intact(), "-", Mode::kFull, Scope::all()};
  intact.value = 100;
  const auto level_with = [&](std::vector<int64_t> lost) {
    std::vector<SweepRow> level;
    for (size_t draw = 0; draw < lost.size(); ++draw) {
      SweepRow r{"t", 0, ProbeId::parse("noise"), "uniform", Mode::kFull, Scope::all(), 0.1, static_cast<int>(draw)};
      r.report = {100, 100, 0};
      r.examples = kExamples;
      r.lost = lost[draw];
      r.gained = 0;
      level.push_back(r);
    }
    return level;
  };
  // Two draws that lose nothing of 1000 examples: safe on their own, whatever later draws did.
  const LevelJudgement clear = judge_level(level_with({0, 0, 30, 30, 30}), intact, 1.0, 2);
  EXPECT_EQ(clear.verdict, Verdict::kSafe);
  EXPECT_EQ(clear.draws, 2);
  EXPECT_TRUE(clear.early);
  ASSERT_TRUE(first_round_judgement(level_with({0, 0}), intact, 1.0, 2).has_value());
  // One of the two draws straddles the budget (8 of 1000 lost: [0.21, 1.38] points): every draw decides.
  EXPECT_FALSE(first_round_judgement(level_with({0, 8}), intact, 1.0, 2).has_value());
  const LevelJudgement all = judge_level(level_with({0, 8, 0, 0, 0}), intact, 1.0, 2);
  EXPECT_EQ(all.draws, 5);
  EXPECT_FALSE(all.early);
  EXPECT_NEAR(all.drop.point, 0.16, 1e-12);
  // Fewer rows than a first round: nothing to decide on yet.
  EXPECT_FALSE(first_round_judgement(level_with({0}), intact, 1.0, 2).has_value());
}

TEST(CompressAnswerTest, ProbesApplyOnlyWhereTheyMeanSomething) {
  const Synthetic s;
  const auto specs = compress_specs(s.target, {"global", "heads", "structured"}, s.scopes, 3, {0.5});
  // Scope by scope: structured everywhere, global for the whole model only, heads nowhere (no
  // attention layer here).
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].probe().name, "prune-structured");
  EXPECT_EQ(specs[1].probe().name, "prune-global");
  EXPECT_TRUE(specs[1].scope().is_all());
  EXPECT_EQ(specs[2].probe().name, "prune-structured");
  EXPECT_EQ(specs[2].scope().label(), "w");
  EXPECT_EQ(specs[1].levels(), std::vector<double>{0.5});
  EXPECT_THROW(compress_specs(s.target, {"dropout"}, s.scopes, 3, {}), core::UsageError);
}

}  // namespace
}  // namespace netprobe::probes
