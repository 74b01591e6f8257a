#include "probes/registry.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "probes/flip.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/shuffle.h"

namespace netprobe::probes {
namespace {

TEST(RegistryTest, UnknownNamesAndBadLevelsAreUsageErrors) {
  EXPECT_THROW(find_probe("dropout"), core::UsageError);
  EXPECT_THROW(shuffle_probe().build("H"), core::UsageError);
  EXPECT_THROW(prune_probe().check_levels({0.5, 1.2}), core::UsageError);
  EXPECT_THROW(flip_probe().check_levels({-0.1}), core::UsageError);
  EXPECT_THROW(noise_probe().check_levels({-1.0}), core::UsageError);
  EXPECT_THROW(noise_probe().check_levels({}), core::UsageError);
  EXPECT_THROW(shuffle_probe().check_levels({0.5}), core::UsageError);
  EXPECT_NO_THROW(noise_probe().check_levels({0.0, 3.5}));
  try {
    find_probe("dropout", "--probes");
    FAIL();
  } catch (const core::UsageError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--probes: unknown probe 'dropout' (known: prune, binarize", 0), 0u)
        << e.what();
  }
}

TEST(RegistryTest, DefaultGridsAreThoseOfTheProtocol) {
  EXPECT_EQ(prune_probe().default_levels.size(), 23u);
  EXPECT_EQ(prune_probe().default_levels.back(), 0.999);
  const auto& noise = noise_probe().default_levels;
  ASSERT_EQ(noise.size(), 30u);
  EXPECT_DOUBLE_EQ(noise.front(), 1.0 / 1024);
  EXPECT_DOUBLE_EQ(noise.back(), 1.0);
  EXPECT_NEAR(noise[1] / noise[0], noise[29] / noise[28], 1e-12);
  const auto& flip = flip_probe().default_levels;
  ASSERT_EQ(flip.size(), 30u);
  EXPECT_EQ(flip.front(), 0.0);
  EXPECT_EQ(flip.back(), 1.0);
  EXPECT_EQ(shuffle_probe().default_levels, std::vector<double>{0.0});
}

TEST(RegistryTest, EveryProbeIsRegisteredOnceInProtocolOrderWithAUsableDefinition) {
  std::vector<std::string> names;
  for (const ProbeDefinition* p : registered_probes()) {
    names.push_back(p->name);
    ASSERT_FALSE(p->variants.empty()) << p->name;
    EXPECT_EQ(&find_probe(p->name), p);
    EXPECT_EQ(ProbeId::parse(p->name), ProbeId(*p));
    EXPECT_NO_THROW(p->check_levels(p->default_levels)) << p->name;
    EXPECT_EQ(p->level_free(), p->level.symbol.empty()) << p->name;
    for (const auto& v : p->study_variants) EXPECT_NO_THROW(p->check_variant(v)) << p->name << " " << v;
  }
  // The study's rows come in this order: a changed order changes every results file. A new probe
  // registers after these.
  const std::vector<std::string> protocol = {"prune", "binarize", "noise", "flip", "shuffle", "prune-shuffle"};
  ASSERT_GE(names.size(), protocol.size());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 6), protocol);
  EXPECT_EQ(study_probe_names(), protocol);
  EXPECT_TRUE(ProbeId::parse("none").is_intact());
  EXPECT_EQ(ProbeId::intact().name(), "none");
  EXPECT_THROW(ProbeId::parse("dropout"), core::Error);
}

TEST(RegistryTest, RandomVariantsDrawAndDeterministicOnesDoNot) {
  EXPECT_FALSE(prune_probe().build("magnitude").stochastic);
  EXPECT_TRUE(prune_probe().build("random").stochastic);
  EXPECT_FALSE(flip_probe().build("smallest").stochastic);
  EXPECT_TRUE(flip_probe().build("random").stochastic);
  EXPECT_TRUE(noise_probe().build("uniform").stochastic);
  EXPECT_TRUE(shuffle_probe().build("B").stochastic);
  EXPECT_FALSE(shuffle_probe().build("B").stages.front().on_biases);
}

}  // namespace
}  // namespace netprobe::probes
