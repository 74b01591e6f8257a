#include "probes/prune_global.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "tests/support/probe_targets.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

TEST(PruneGlobalTest, OneRankingAcrossTensorsKeepsTheLargestEntriesOfAll) {
  // A layer of small weights and one of large ones: a global ranking empties the small one first.
  std::vector<torch::Tensor> tensors = {torch::arange(1, 11, torch::kFloat) * 0.01f,
                                        torch::arange(1, 21, torch::kFloat).view({4, 5})};
  prune_globally(tensors, 0.4);  // keep floor(0.6 * 30) = 18 of the 30 entries
  EXPECT_EQ(tensors[0].ne(0).sum().item<int64_t>(), 0);
  EXPECT_EQ(tensors[1].ne(0).sum().item<int64_t>(), 18);
  EXPECT_EQ(tensors[1].flatten()[2].item<float>(), 3.0f);  // 1 and 2 are among the smallest 12
  EXPECT_EQ(tensors[1].flatten()[1].item<float>(), 0.0f);
}

TEST(PruneGlobalTest, AsAProbeItActsOnTheSelectionAndReportsExactCounts) {
  const core::NamedTensors params = testing::small_mlp_params();
  auto gen = core::make_generator(0);
  const ProbeOutput out =
      apply_probe(prune_global_probe().build("magnitude"), params, testing::selection_of(params), 0.9, gen);
  EXPECT_EQ(out.report.total, 186);
  EXPECT_EQ(out.report.total - out.report.zeros, 18);  // floor(0.1 * 186) kept across all tensors
  for (size_t i = 0; i < params.size(); ++i) {         // survivors keep their values
    const torch::Tensor kept = out.tensors[i].second.ne(0);
    EXPECT_TRUE(out.tensors[i].second.masked_select(kept).equal(params[i].second.masked_select(kept)));
  }
}

}  // namespace
}  // namespace netprobe::probes
