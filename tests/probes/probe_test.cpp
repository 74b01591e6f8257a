#include "probes/probe.h"

#include <gtest/gtest.h>

#include "probes/catalog.h"
#include "probes/tensor_ops.h"
#include "core/errors.h"
#include "core/seeding.h"

namespace netprobe::probes {
namespace {

core::NamedTensors mlp_params() {
  auto gen = core::make_generator(3);
  return {{"fc1.weight", torch::randn({8, 20}, gen)},
          {"fc1.bias", torch::randn({8}, gen)},
          {"fc2.weight", torch::randn({2, 8}, gen)},
          {"fc2.bias", torch::randn({2}, gen)}};
}

core::NamedTensors deep_copy(const core::NamedTensors& p) {
  core::NamedTensors out;
  for (const auto& [n, t] : p) out.emplace_back(n, t.clone());
  return out;
}

TEST(ProbeTest, NeverMutatesTheCallersTensors) {
  const core::NamedTensors params = mlp_params();
  const core::NamedTensors before = deep_copy(params);
  auto gen = core::make_generator(1);
  for (const auto& info : probe_catalog()) {
    for (const auto& variant : info.variants) {
      apply_probe(make_probe(info.name, variant), params, Scope{}, info.level_name.empty() ? 0.0 : 0.5, gen);
    }
  }
  signed_copy(params, Scope{});
  for (size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(params[i].second.equal(before[i].second)) << params[i].first;
}

TEST(ProbeTest, PruningCountsWeightsAndBiasesSeparatelyAndReports) {
  const core::NamedTensors params = mlp_params();
  auto gen = core::make_generator(1);
  const ProbeOutput out = apply_probe(make_probe("prune", "magnitude"), params, Scope{}, 0.5, gen);
  const std::vector<int64_t> expected_zeros = {80, 4, 8, 1};
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(out.tensors[i].second.eq(0).sum().item<int64_t>(), expected_zeros[i]) << params[i].first;
  }
  EXPECT_EQ(out.report.total, 160 + 8 + 16 + 2);
  EXPECT_EQ(out.report.zeros, 93);
  EXPECT_EQ(out.report.changed, 93);
}

TEST(ProbeTest, BipartiteShufflesLeaveBiasesAlone) {
  const core::NamedTensors params = mlp_params();
  auto gen = core::make_generator(1);
  for (const char* v : {"A", "B", "C", "D", "E", "F", "G"}) {
    const ProbeOutput out = apply_probe(make_probe("shuffle", v), params, Scope{}, 0.0, gen);
    EXPECT_TRUE(out.tensors[1].second.equal(params[1].second)) << v;
    EXPECT_TRUE(out.tensors[3].second.equal(params[3].second)) << v;
    EXPECT_FALSE(out.tensors[0].second.equal(params[0].second)) << v;
  }
}

TEST(ProbeTest, ScopeSelectsOneLayerAndSharesTheRest) {
  const core::NamedTensors params = mlp_params();
  auto gen = core::make_generator(1);
  const ProbeOutput out = apply_probe(make_probe("binarize", "sign"), params, Scope{"fc2"}, 0.0, gen);
  EXPECT_EQ(out.tensors[0].second.unsafeGetTensorImpl(), params[0].second.unsafeGetTensorImpl());
  EXPECT_TRUE(out.tensors[1].second.equal(params[1].second));
  EXPECT_TRUE(out.tensors[2].second.equal(params[2].second.sign()));
  EXPECT_EQ(out.report.total, 18);
  EXPECT_FALSE(Scope{"fc1"}.selects("fc10.weight"));
  // '+' joins names: an RNN's connectivity U+V, bare names without a ".weight" suffix.
  EXPECT_TRUE(Scope{"U+V"}.selects("U"));
  EXPECT_TRUE(Scope{"U+V"}.selects("V"));
  EXPECT_FALSE(Scope{"U+V"}.selects("m"));
  EXPECT_FALSE(Scope{"U+V"}.selects("UV"));
  EXPECT_TRUE(Scope{"fc1+fc2"}.selects("fc2.bias"));
}

TEST(ProbeTest, PruneThenShuffleBKeepsSparsityAndSigns) {
  const core::NamedTensors params = mlp_params();
  auto gen = core::make_generator(2);
  const ProbeOutput out = apply_probe(make_probe("prune-shuffle", "B"), params, Scope{}, 0.75, gen);
  auto g2 = core::make_generator(2);
  const torch::Tensor pruned = prune(params[0].second, 0.75, Pick::kSmallest, g2);
  EXPECT_TRUE(out.tensors[0].second.sign().equal(pruned.sign()));
  EXPECT_EQ(out.tensors[0].second.ne(0).sum().item<int64_t>(), 40);
  EXPECT_EQ(out.tensors[1].second.ne(0).sum().item<int64_t>(), 2);  // bias pruned, not shuffled
}

TEST(CatalogTest, UnknownNamesAndBadLevelsAreUsageErrors) {
  EXPECT_THROW(make_probe("dropout", "x"), core::UsageError);
  EXPECT_THROW(make_probe("shuffle", "H"), core::UsageError);
  EXPECT_THROW(validate_levels("prune", {0.5, 1.2}), core::UsageError);
  EXPECT_THROW(validate_levels("flip", {-0.1}), core::UsageError);
  EXPECT_THROW(validate_levels("noise", {-1.0}), core::UsageError);
  EXPECT_THROW(validate_levels("noise", {}), core::UsageError);
  EXPECT_THROW(validate_levels("shuffle", {0.5}), core::UsageError);
  EXPECT_NO_THROW(validate_levels("noise", {0.0, 3.5}));
}

TEST(CatalogTest, DefaultGridsAreThoseOfTheProtocol) {
  EXPECT_EQ(default_levels("prune").size(), 23u);
  EXPECT_EQ(default_levels("prune").back(), 0.999);
  const auto noise = default_levels("noise");
  ASSERT_EQ(noise.size(), 30u);
  EXPECT_DOUBLE_EQ(noise.front(), 1.0 / 1024);
  EXPECT_DOUBLE_EQ(noise.back(), 1.0);
  EXPECT_NEAR(noise[1] / noise[0], noise[29] / noise[28], 1e-12);
  const auto flip = default_levels("flip");
  ASSERT_EQ(flip.size(), 30u);
  EXPECT_EQ(flip.front(), 0.0);
  EXPECT_EQ(flip.back(), 1.0);
  EXPECT_EQ(default_levels("shuffle"), std::vector<double>{0.0});
}

}  // namespace
}  // namespace netprobe::probes
