#include "probes/probe.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "probes/binarize.h"
#include "probes/prune.h"
#include "probes/registry.h"
#include "probes/shuffle.h"
#include "tests/support/probe_targets.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

core::NamedTensors deep_copy(const core::NamedTensors& p) {
  core::NamedTensors out;
  for (const auto& [n, t] : p) out.emplace_back(n, t.clone());
  return out;
}

TEST(ProbeTest, NeverMutatesTheCallersTensors) {
  const core::NamedTensors params = testing::small_mlp_params();
  const core::NamedTensors before = deep_copy(params);
  auto gen = core::make_generator(1);
  for (const ProbeDefinition* probe : registered_probes()) {
    for (const auto& variant : probe->variants) {
      apply_probe(probe->build(variant), params, testing::selection_of(params), probe->level_free() ? 0.0 : 0.5, gen);
    }
  }
  signed_copy(params, testing::selection_of(params));
  for (size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(params[i].second.equal(before[i].second)) << params[i].first;
}

TEST(ProbeTest, PruningCountsWeightsAndBiasesSeparatelyAndReports) {
  const core::NamedTensors params = testing::small_mlp_params();
  auto gen = core::make_generator(1);
  const ProbeOutput out =
      apply_probe(prune_probe().build("magnitude"), params, testing::selection_of(params), 0.5, gen);
  const std::vector<int64_t> expected_zeros = {80, 4, 8, 1};
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(out.tensors[i].second.eq(0).sum().item<int64_t>(), expected_zeros[i]) << params[i].first;
  }
  EXPECT_EQ(out.report.total, 160 + 8 + 16 + 2);
  EXPECT_EQ(out.report.zeros, 93);
  EXPECT_EQ(out.report.changed, 93);
}

TEST(ProbeTest, BipartiteShufflesLeaveBiasesAlone) {
  const core::NamedTensors params = testing::small_mlp_params();
  auto gen = core::make_generator(1);
  for (const char* v : {"A", "B", "C", "D", "E", "F", "G"}) {
    const ProbeOutput out = apply_probe(shuffle_probe().build(v), params, testing::selection_of(params), 0.0, gen);
    EXPECT_TRUE(out.tensors[1].second.equal(params[1].second)) << v;
    EXPECT_TRUE(out.tensors[3].second.equal(params[3].second)) << v;
    EXPECT_FALSE(out.tensors[0].second.equal(params[0].second)) << v;
  }
}

TEST(ProbeTest, ScopeSelectsOneLayerAndSharesTheRest) {
  const core::NamedTensors params = testing::small_mlp_params();
  auto gen = core::make_generator(1);
  const ProbeOutput out =
      apply_probe(binarize_probe().build("sign"), params, testing::selection_of(params, "fc2"), 0.0, gen);
  EXPECT_EQ(out.tensors[0].second.unsafeGetTensorImpl(), params[0].second.unsafeGetTensorImpl());
  EXPECT_TRUE(out.tensors[1].second.equal(params[1].second));
  EXPECT_TRUE(out.tensors[2].second.equal(params[2].second.sign()));
  EXPECT_EQ(out.report.total, 18);
  // '+' joins layer names: an RNN's connectivity U+V, bare names without a ".weight" suffix.
  const core::NamedTensors rnn = {
      {"m", torch::ones({4})}, {"U", torch::ones({4, 1})}, {"V", torch::ones({4, 1})}, {"UV", torch::ones({4})}};
  const Selection uv = testing::selection_of(rnn, "U+V");
  ASSERT_EQ(uv.parts.size(), 2u);
  EXPECT_EQ(uv.parts[0].name, "U");
  EXPECT_EQ(uv.parts[1].name, "V");
  const Selection both = testing::selection_of(params, "fc1+fc2");
  EXPECT_EQ(both.entries(), 160 + 8 + 16 + 2);
  EXPECT_THROW(testing::selection_of(params, "fc10"), core::UsageError);  // a layer, never a name prefix
  // "all" is the one label of every layer, whichever way it is made.
  EXPECT_TRUE(Scope::parse("all").is_all());
  EXPECT_EQ(Scope::all(), Scope::parse("all"));
  EXPECT_EQ(Scope::parse("U+V").label(), "U+V");
  EXPECT_EQ(Scope::parse("U+V").layers(), (std::vector<std::string>{"U", "V"}));
}

}  // namespace
}  // namespace netprobe::probes
