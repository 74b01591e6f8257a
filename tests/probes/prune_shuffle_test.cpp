#include "probes/prune_shuffle.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "probes/prune.h"
#include "tests/support/probe_targets.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

TEST(PruneShuffleTest, PruneThenShuffleBKeepsSparsityAndSigns) {
  const core::NamedTensors params = testing::small_mlp_params();
  auto gen = core::make_generator(2);
  const ProbeOutput out =
      apply_probe(prune_shuffle_probe().build("B"), params, testing::selection_of(params), 0.75, gen);
  auto g2 = core::make_generator(2);
  const torch::Tensor pruned = prune(params[0].second, 0.75, Pick::kSmallest, g2);
  EXPECT_TRUE(out.tensors[0].second.sign().equal(pruned.sign()));
  EXPECT_EQ(out.tensors[0].second.ne(0).sum().item<int64_t>(), 40);
  EXPECT_EQ(out.tensors[1].second.ne(0).sum().item<int64_t>(), 2);  // bias pruned, not shuffled
}

}  // namespace
}  // namespace netprobe::probes
