#include "core/seeding.h"

#include <set>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace netprobe::core {
namespace {

TEST(SeedingTest, DerivedSeedsAreDeterministicAndDistinct) {
  EXPECT_EQ(derive_seed(7, {1, 2, 3}), derive_seed(7, {1, 2, 3}));
  std::set<uint64_t> seen;
  for (uint64_t base : {0ULL, 1ULL})
    for (uint64_t a = 0; a < 10; ++a)
      for (uint64_t b = 0; b < 10; ++b) seen.insert(derive_seed(base, {a, b}));
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_NE(derive_seed(0, {1, 2}), derive_seed(0, {2, 1}));
  EXPECT_NE(tag_of("prune"), tag_of("flip"));
}

TEST(SeedingTest, GeneratorsWithSameSeedDrawTheSameStream) {
  auto g1 = make_generator(42), g2 = make_generator(42), g3 = make_generator(43);
  const auto a = torch::randn({16}, g1), b = torch::randn({16}, g2), c = torch::randn({16}, g3);
  EXPECT_TRUE(a.equal(b));
  EXPECT_FALSE(a.equal(c));
}

}  // namespace
}  // namespace netprobe::core
