#include "probes/shuffle.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

class ShuffleTest : public ::testing::Test {
 protected:
  at::Generator gen = core::make_generator(5);
};

TEST_F(ShuffleTest, ShuffleAKeepsTheMultisetAndZeroPositions) {
  const torch::Tensor w = testing::weight_matrix(12, 30, true);
  const torch::Tensor out = shuffle_within_groups(w, ShuffleGroups::kAll, gen);
  EXPECT_TRUE(out.eq(0).equal(w.eq(0)));
  EXPECT_TRUE(testing::sorted_values(out).equal(testing::sorted_values(w)));
  EXPECT_FALSE(out.sign().equal(w.sign()));  // signs are moved around
}

TEST_F(ShuffleTest, ShuffleBKeepsEverySignAndThePositiveAndNegativeMultisets) {
  const torch::Tensor w = testing::weight_matrix(12, 30, true);
  const torch::Tensor out = shuffle_within_groups(w, ShuffleGroups::kSign, gen);
  EXPECT_TRUE(out.sign().equal(w.sign()));
  EXPECT_TRUE(
      testing::sorted_values(out.masked_select(out.gt(0))).equal(testing::sorted_values(w.masked_select(w.gt(0)))));
  EXPECT_TRUE(
      testing::sorted_values(out.masked_select(out.lt(0))).equal(testing::sorted_values(w.masked_select(w.lt(0)))));
  EXPECT_FALSE(out.equal(w));
}

// Shuffles A-F as tensor ops: A and B draw one torch::randperm per group (all non-zeros; or the
// positive, then the negative ones); C-F sort by group + U(0, 1). The plain-loop shuffles must
// give the same tensors from the same seed, so sweeps written before them stay reproducible.
torch::Tensor reference_shuffle(const torch::Tensor& w, ShuffleGroups groups, at::Generator& gen) {
  const torch::Tensor m = as_bipartite_matrix(w);
  const torch::Tensor flat = m.reshape({-1});
  const torch::Tensor pos = flat.ne(0).nonzero().squeeze(1);
  const torch::Tensor values = flat.index_select(0, pos);
  torch::Tensor out = flat.clone();
  if (groups == ShuffleGroups::kAll || groups == ShuffleGroups::kSign) {
    const auto permute_group = [&](const torch::Tensor& members) {
      const torch::Tensor perm = torch::randperm(members.numel(), gen, torch::kLong);
      out.index_put_({pos.index_select(0, members)}, values.index_select(0, members.index_select(0, perm)));
    };
    if (groups == ShuffleGroups::kAll) {
      permute_group(torch::arange(pos.numel(), torch::kLong));
    } else {
      permute_group(values.gt(0).nonzero().squeeze(1));
      permute_group(values.lt(0).nonzero().squeeze(1));
    }
    return out.view(w.sizes());
  }
  const int64_t in = m.size(1);
  const torch::Tensor positive = values.gt(0).to(torch::kLong);
  const torch::Tensor row = pos.div(in, "floor"), col = pos.remainder(in);
  const torch::Tensor group = groups == ShuffleGroups::kInputNode       ? col
                              : groups == ShuffleGroups::kOutputNode    ? row
                              : groups == ShuffleGroups::kInputNodeSign ? col * 2 + positive
                                                                        : row * 2 + positive;
  const torch::Tensor g = group.to(torch::kFloat64);
  const torch::Tensor random_order = (g + torch::rand(g.sizes(), gen, g.options())).argsort();
  const torch::Tensor group_order = std::get<1>(g.sort(/*stable=*/true, 0, false));
  out.index_put_({pos.index_select(0, group_order)}, values.index_select(0, random_order));
  return out.view(w.sizes());
}

TEST_F(ShuffleTest, ShufflesAToFEqualTheirTensorOpReference) {
  for (const ShuffleGroups groups :
       {ShuffleGroups::kAll, ShuffleGroups::kSign, ShuffleGroups::kInputNode, ShuffleGroups::kOutputNode,
        ShuffleGroups::kInputNodeSign, ShuffleGroups::kOutputNodeSign}) {
    for (const torch::Tensor& w :
         {testing::weight_matrix(12, 30, true), testing::weight_matrix(64, 784, true),
          testing::weight_matrix(6, 36, true).view({6, 4, 3, 3}), torch::tensor({0.f, -1.f, 2.f})}) {
      auto ours = core::make_generator(23), reference = core::make_generator(23);
      const torch::Tensor out = shuffle_within_groups(w, groups, ours);
      EXPECT_TRUE(out.equal(reference_shuffle(w, groups, reference))) << static_cast<int>(groups) << " " << w.numel();
      EXPECT_TRUE(torch::rand({3}, ours).equal(torch::rand({3}, reference)));  // same draws consumed
    }
  }
}

TEST_F(ShuffleTest, PerNodeShufflesKeepNodeStrengthAndValues) {
  const torch::Tensor w = testing::weight_matrix(12, 30, true);
  // C: per input node = per column of [out, in]; D: per output node = per row.
  for (auto [groups, dim] : {std::pair{ShuffleGroups::kInputNode, 0}, std::pair{ShuffleGroups::kOutputNode, 1}}) {
    const torch::Tensor out = shuffle_within_groups(w, groups, gen);
    EXPECT_TRUE(out.eq(0).equal(w.eq(0)));
    testing::expect_close(out.sum(dim), w.sum(dim), 1e-5, 1e-5);
    EXPECT_TRUE(std::get<0>(out.sort(dim)).equal(std::get<0>(w.sort(dim))));  // same values per node
    EXPECT_FALSE(out.equal(w));
  }
}

TEST_F(ShuffleTest, SignSeparatedPerNodeShufflesKeepSignsAndSignedStrengths) {
  const torch::Tensor w = testing::weight_matrix(12, 30, true);
  for (auto [groups, dim] :
       {std::pair{ShuffleGroups::kInputNodeSign, 0}, std::pair{ShuffleGroups::kOutputNodeSign, 1}}) {
    const torch::Tensor out = shuffle_within_groups(w, groups, gen);
    EXPECT_TRUE(out.sign().equal(w.sign()));
    testing::expect_close(out.clamp_min(0).sum(dim), w.clamp_min(0).sum(dim), 1e-5, 1e-5);
    testing::expect_close(out.clamp_max(0).sum(dim), w.clamp_max(0).sum(dim), 1e-5, 1e-5);
    EXPECT_FALSE(out.equal(w));
  }
}

TEST_F(ShuffleTest, EdgeSwitchingKeepsPositiveDegreesAndZeros) {
  const torch::Tensor w = testing::weight_matrix(20, 40, true);
  const torch::Tensor out = switch_positive_edges(w, gen);
  EXPECT_TRUE(out.eq(0).equal(w.eq(0)));
  EXPECT_TRUE(out.gt(0).sum(0).equal(w.gt(0).sum(0)));  // positive in-degree of every input node
  EXPECT_TRUE(out.gt(0).sum(1).equal(w.gt(0).sum(1)));  // positive out-degree of every output node
  EXPECT_TRUE(testing::sorted_values(out).equal(testing::sorted_values(w)));
  EXPECT_GT(out.gt(0).ne(w.gt(0)).sum().item<int64_t>(), 100);  // the positive edges did move
}

TEST_F(ShuffleTest, ShufflesAreReproducibleFromTheGeneratorSeed) {
  const torch::Tensor w = testing::weight_matrix(8, 9, false);
  auto g1 = core::make_generator(99), g2 = core::make_generator(99);
  EXPECT_TRUE(
      shuffle_within_groups(w, ShuffleGroups::kSign, g1).equal(shuffle_within_groups(w, ShuffleGroups::kSign, g2)));
  EXPECT_TRUE(switch_positive_edges(w, g1).equal(switch_positive_edges(w, g2)));
}

// A conv kernel [out, in, kh, kw] is the bipartite graph out x (in, kh, kw): flattened per output
// unit (docs/USER_MODELS.md). Every shuffle keeps its invariants on that graph and the shape.
TEST_F(ShuffleTest, ConvKernelsShuffleAsOutputsTimesInputChannelAndOffset) {
  const torch::Tensor w = testing::weight_matrix(6, 4 * 3 * 3, true).view({6, 4, 3, 3});
  const torch::Tensor flat = w.reshape({6, -1});
  EXPECT_TRUE(as_bipartite_matrix(w).equal(flat));
  for (const ShuffleGroups groups :
       {ShuffleGroups::kAll, ShuffleGroups::kSign, ShuffleGroups::kInputNode, ShuffleGroups::kOutputNode,
        ShuffleGroups::kInputNodeSign, ShuffleGroups::kOutputNodeSign}) {
    const torch::Tensor out = shuffle_within_groups(w, groups, gen);
    ASSERT_EQ(out.sizes(), w.sizes());
    EXPECT_TRUE(out.eq(0).equal(w.eq(0)));  // zeros never move
    EXPECT_TRUE(testing::sorted_values(out).equal(testing::sorted_values(w)));
    EXPECT_FALSE(out.equal(w));
    const torch::Tensor o = out.reshape({6, -1});
    if (groups == ShuffleGroups::kOutputNode || groups == ShuffleGroups::kOutputNodeSign) {
      // each output unit (filter) keeps its own values
      EXPECT_TRUE(std::get<0>(o.sort(1)).equal(std::get<0>(flat.sort(1))));
    }
    if (groups == ShuffleGroups::kInputNode || groups == ShuffleGroups::kInputNodeSign) {
      // each (input channel, kernel offset) keeps its values across the filters
      EXPECT_TRUE(std::get<0>(o.sort(0)).equal(std::get<0>(flat.sort(0))));
    }
    if (groups != ShuffleGroups::kAll && groups != ShuffleGroups::kInputNode && groups != ShuffleGroups::kOutputNode) {
      EXPECT_TRUE(out.sign().equal(w.sign()));
    }
  }
  const torch::Tensor switched = switch_positive_edges(w, gen);
  ASSERT_EQ(switched.sizes(), w.sizes());
  const torch::Tensor s = switched.reshape({6, -1});
  EXPECT_TRUE(s.gt(0).sum(1).equal(flat.gt(0).sum(1)));  // positive degree of every filter
  EXPECT_TRUE(s.gt(0).sum(0).equal(flat.gt(0).sum(0)));  // and of every (channel, offset)
  EXPECT_TRUE(testing::sorted_values(switched).equal(testing::sorted_values(w)));
}

}  // namespace
}  // namespace netprobe::probes
