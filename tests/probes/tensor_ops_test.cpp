#include "probes/tensor_ops.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

// A weight matrix with distinct magnitudes, mixed signs and some exact zeros.
torch::Tensor matrix(int64_t rows, int64_t cols, bool with_zeros) {
  auto gen = core::make_generator(17);
  torch::Tensor w = torch::randn({rows, cols}, gen);
  if (with_zeros) w.masked_fill_(torch::rand({rows, cols}, gen).lt(0.2), 0.0);
  return w;
}

torch::Tensor sorted(const torch::Tensor& t) { return std::get<0>(t.flatten().sort()); }

class TensorOpsTest : public ::testing::Test {
 protected:
  at::Generator gen = core::make_generator(5);
};

TEST_F(TensorOpsTest, FractionCountIsFloorRobustToRoundOff) {
  EXPECT_EQ(fraction_count(0.7, 10), 7);
  EXPECT_EQ(fraction_count(1 - 0.3, 10), 7);
  EXPECT_EQ(fraction_count(0.999, 50176), 50125);
  EXPECT_EQ(fraction_count(0.35, 3), 1);
  EXPECT_EQ(fraction_count(1.0, 64), 64);
}

TEST_F(TensorOpsTest, MagnitudePruningReachesExactSparsityAndKeepsTheLargest) {
  const torch::Tensor w = matrix(64, 784, false);
  const torch::Tensor before = w.clone();
  for (double p : {0.0, 0.1, 0.35, 0.5, 0.9, 0.999, 1.0}) {
    const torch::Tensor out = prune(w, p, Pick::kSmallest, gen);
    const int64_t keep = fraction_count(1 - p, w.numel());
    EXPECT_EQ(out.ne(0).sum().item<int64_t>(), keep) << p;
    const torch::Tensor kept = out.ne(0);
    EXPECT_TRUE(out.masked_select(kept).equal(w.masked_select(kept)));  // survivors unchanged
    if (keep > 0 && keep < w.numel()) {
      EXPECT_GE(w.abs().masked_select(kept).min().item<float>(), w.abs().masked_select(~kept).max().item<float>());
    }
  }
  EXPECT_TRUE(w.equal(before));  // input never modified
}

TEST_F(TensorOpsTest, PruningControlsRemoveRandomOrLargestEntries) {
  const torch::Tensor w = matrix(10, 30, false);
  const torch::Tensor largest = prune(w, 0.4, Pick::kLargest, gen);
  const torch::Tensor kept = largest.ne(0);
  EXPECT_EQ(kept.sum().item<int64_t>(), 180);
  EXPECT_LE(w.abs().masked_select(kept).max().item<float>(), w.abs().masked_select(~kept).min().item<float>());
  const torch::Tensor r1 = prune(w, 0.4, Pick::kRandom, gen), r2 = prune(w, 0.4, Pick::kRandom, gen);
  EXPECT_EQ(r1.ne(0).sum().item<int64_t>(), 180);
  EXPECT_FALSE(r1.equal(r2));
}

TEST_F(TensorOpsTest, FlipChangesExactlyKSignsOfTheSmallestEntries) {
  const torch::Tensor w = matrix(16, 50, false);
  for (double q : {0.0, 0.25, 0.4, 1.0}) {
    const torch::Tensor out = flip_signs(w, q, Pick::kSmallest, gen);
    const int64_t k = fraction_count(q, w.numel());
    const torch::Tensor flipped = out.ne(w);
    EXPECT_EQ(flipped.sum().item<int64_t>(), k) << q;
    EXPECT_TRUE(out.abs().equal(w.abs()));
    EXPECT_TRUE(out.masked_select(flipped).equal(-w.masked_select(flipped)));
    if (k > 0 && k < w.numel()) {
      EXPECT_LE(w.abs().masked_select(flipped).max().item<float>(),
                w.abs().masked_select(~flipped).min().item<float>());
    }
  }
  const torch::Tensor big = flip_signs(w, 0.1, Pick::kLargest, gen);
  EXPECT_GE(w.abs().masked_select(big.ne(w)).min().item<float>(), w.abs().masked_select(big.eq(w)).max().item<float>());
  EXPECT_EQ(flip_signs(w, 0.3, Pick::kRandom, gen).ne(w).sum().item<int64_t>(), 240);
}

TEST_F(TensorOpsTest, NoiseTouchesOnlyNonZerosWithinRange) {
  const torch::Tensor w = matrix(20, 40, true);
  const double a = 0.125;
  const torch::Tensor out = add_noise(w, a, NoiseKind::kUniform, gen);
  EXPECT_TRUE(out.masked_select(w.eq(0)).eq(0).all().item<bool>());
  const torch::Tensor delta = (out - w).masked_select(w.ne(0));
  EXPECT_LE(delta.abs().max().item<float>(), a);
  EXPECT_GT(delta.abs().max().item<float>(), 0.9 * a);  // fills its range
  EXPECT_NEAR(delta.mean().item<float>(), 0.0, 0.02);
  const torch::Tensor mult = add_noise(w, 0.5, NoiseKind::kMultiplicative, gen);
  EXPECT_TRUE(mult.masked_select(w.eq(0)).eq(0).all().item<bool>());
  EXPECT_LE(((mult / w).masked_select(w.ne(0)) - 1).abs().max().item<float>(), 0.5 + 1e-6);
}

TEST_F(TensorOpsTest, BinarizeIsSignOrScaledSign) {
  const torch::Tensor w = torch::tensor({-0.5f, 0.0f, 2.0f, 0.25f});
  EXPECT_TRUE(binarize(w, false).equal(torch::tensor({-1.0f, 0.0f, 1.0f, 1.0f})));
  testing::expect_close(binarize(w, true), torch::tensor({-0.6875f, 0.0f, 0.6875f, 0.6875f}));
}

TEST_F(TensorOpsTest, ShuffleAKeepsTheMultisetAndZeroPositions) {
  const torch::Tensor w = matrix(12, 30, true);
  const torch::Tensor out = shuffle_within_groups(w, ShuffleGroups::kAll, gen);
  EXPECT_TRUE(out.eq(0).equal(w.eq(0)));
  EXPECT_TRUE(sorted(out).equal(sorted(w)));
  EXPECT_FALSE(out.sign().equal(w.sign()));  // signs are moved around
}

TEST_F(TensorOpsTest, ShuffleBKeepsEverySignAndThePositiveAndNegativeMultisets) {
  const torch::Tensor w = matrix(12, 30, true);
  const torch::Tensor out = shuffle_within_groups(w, ShuffleGroups::kSign, gen);
  EXPECT_TRUE(out.sign().equal(w.sign()));
  EXPECT_TRUE(sorted(out.masked_select(out.gt(0))).equal(sorted(w.masked_select(w.gt(0)))));
  EXPECT_TRUE(sorted(out.masked_select(out.lt(0))).equal(sorted(w.masked_select(w.lt(0)))));
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

TEST_F(TensorOpsTest, ShufflesAToFEqualTheirTensorOpReference) {
  for (const ShuffleGroups groups :
       {ShuffleGroups::kAll, ShuffleGroups::kSign, ShuffleGroups::kInputNode, ShuffleGroups::kOutputNode,
        ShuffleGroups::kInputNodeSign, ShuffleGroups::kOutputNodeSign}) {
    for (const torch::Tensor& w : {matrix(12, 30, true), matrix(64, 784, true), matrix(6, 36, true).view({6, 4, 3, 3}),
                                   torch::tensor({0.f, -1.f, 2.f})}) {
      auto ours = core::make_generator(23), reference = core::make_generator(23);
      const torch::Tensor out = shuffle_within_groups(w, groups, ours);
      EXPECT_TRUE(out.equal(reference_shuffle(w, groups, reference))) << static_cast<int>(groups) << " " << w.numel();
      EXPECT_TRUE(torch::rand({3}, ours).equal(torch::rand({3}, reference)));  // same draws consumed
    }
  }
}

TEST_F(TensorOpsTest, PerNodeShufflesKeepNodeStrengthAndValues) {
  const torch::Tensor w = matrix(12, 30, true);
  // C: per input node = per column of [out, in]; D: per output node = per row.
  for (auto [groups, dim] : {std::pair{ShuffleGroups::kInputNode, 0}, std::pair{ShuffleGroups::kOutputNode, 1}}) {
    const torch::Tensor out = shuffle_within_groups(w, groups, gen);
    EXPECT_TRUE(out.eq(0).equal(w.eq(0)));
    testing::expect_close(out.sum(dim), w.sum(dim), 1e-5, 1e-5);
    EXPECT_TRUE(std::get<0>(out.sort(dim)).equal(std::get<0>(w.sort(dim))));  // same values per node
    EXPECT_FALSE(out.equal(w));
  }
}

TEST_F(TensorOpsTest, SignSeparatedPerNodeShufflesKeepSignsAndSignedStrengths) {
  const torch::Tensor w = matrix(12, 30, true);
  for (auto [groups, dim] :
       {std::pair{ShuffleGroups::kInputNodeSign, 0}, std::pair{ShuffleGroups::kOutputNodeSign, 1}}) {
    const torch::Tensor out = shuffle_within_groups(w, groups, gen);
    EXPECT_TRUE(out.sign().equal(w.sign()));
    testing::expect_close(out.clamp_min(0).sum(dim), w.clamp_min(0).sum(dim), 1e-5, 1e-5);
    testing::expect_close(out.clamp_max(0).sum(dim), w.clamp_max(0).sum(dim), 1e-5, 1e-5);
    EXPECT_FALSE(out.equal(w));
  }
}

TEST_F(TensorOpsTest, EdgeSwitchingKeepsPositiveDegreesAndZeros) {
  const torch::Tensor w = matrix(20, 40, true);
  const torch::Tensor out = switch_positive_edges(w, gen);
  EXPECT_TRUE(out.eq(0).equal(w.eq(0)));
  EXPECT_TRUE(out.gt(0).sum(0).equal(w.gt(0).sum(0)));  // positive in-degree of every input node
  EXPECT_TRUE(out.gt(0).sum(1).equal(w.gt(0).sum(1)));  // positive out-degree of every output node
  EXPECT_TRUE(sorted(out).equal(sorted(w)));
  EXPECT_GT(out.gt(0).ne(w.gt(0)).sum().item<int64_t>(), 100);  // the positive edges did move
}

TEST_F(TensorOpsTest, ShufflesAreReproducibleFromTheGeneratorSeed) {
  const torch::Tensor w = matrix(8, 9, false);
  auto g1 = core::make_generator(99), g2 = core::make_generator(99);
  EXPECT_TRUE(
      shuffle_within_groups(w, ShuffleGroups::kSign, g1).equal(shuffle_within_groups(w, ShuffleGroups::kSign, g2)));
  EXPECT_TRUE(switch_positive_edges(w, g1).equal(switch_positive_edges(w, g2)));
}

// A conv kernel [out, in, kh, kw] is the bipartite graph out x (in, kh, kw): flattened per output
// unit (docs/CONV_PROBES.md). Every shuffle keeps its invariants on that graph and the shape.
TEST_F(TensorOpsTest, ConvKernelsShuffleAsOutputsTimesInputChannelAndOffset) {
  const torch::Tensor w = matrix(6, 4 * 3 * 3, true).view({6, 4, 3, 3});
  const torch::Tensor flat = w.reshape({6, -1});
  EXPECT_TRUE(as_bipartite_matrix(w).equal(flat));
  for (const ShuffleGroups groups :
       {ShuffleGroups::kAll, ShuffleGroups::kSign, ShuffleGroups::kInputNode, ShuffleGroups::kOutputNode,
        ShuffleGroups::kInputNodeSign, ShuffleGroups::kOutputNodeSign}) {
    const torch::Tensor out = shuffle_within_groups(w, groups, gen);
    ASSERT_EQ(out.sizes(), w.sizes());
    EXPECT_TRUE(out.eq(0).equal(w.eq(0)));  // zeros never move
    EXPECT_TRUE(sorted(out).equal(sorted(w)));
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
  EXPECT_TRUE(sorted(switched).equal(sorted(w)));
}

TEST_F(TensorOpsTest, PruningAndFlippingCountEntriesOfAConvKernelAsAWhole) {
  const torch::Tensor w = matrix(8, 3 * 5 * 5, false).view({8, 3, 5, 5});  // 600 entries
  const torch::Tensor pruned = prune(w, 0.9, Pick::kSmallest, gen);
  EXPECT_EQ(pruned.ne(0).sum().item<int64_t>(), 60);
  EXPECT_GE(pruned.abs().max().item<float>(), w.abs().max().item<float>());
  EXPECT_EQ(flip_signs(w, 0.25, Pick::kRandom, gen).sign().ne(w.sign()).sum().item<int64_t>(), 150);
  EXPECT_TRUE(binarize(w, false).abs().eq(1).all().item<bool>());
}

}  // namespace
}  // namespace netprobe::probes
