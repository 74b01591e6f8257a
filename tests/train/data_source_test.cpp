#include "train/data_source.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace netprobe::train {
namespace {

// Concatenated targets of one epoch (targets = example index, so this is the visiting order).
torch::Tensor epoch_order(TensorDataSource& source, int epoch) {
  source.start_epoch(epoch);
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < source.batches_per_epoch(); ++i) parts.push_back(source.batch(i).targets);
  return torch::cat(parts);
}

TEST(DataSourceTest, EachEpochVisitsEveryExampleOnceInBatchesOfTheRequestedSize) {
  const auto x = torch::arange(10, torch::kFloat32).reshape({10, 1});
  const auto y = torch::arange(10, torch::kLong);
  TensorDataSource source(x, y, 4, 3);
  EXPECT_EQ(source.batches_per_epoch(), 3);
  source.start_epoch(0);
  EXPECT_EQ(source.batch(0).inputs.size(0), 4);
  EXPECT_EQ(source.batch(2).inputs.size(0), 2);
  // Inputs and targets stay paired through the shuffle.
  EXPECT_TRUE(source.batch(1).inputs.squeeze(1).to(torch::kLong).equal(source.batch(1).targets));
  const auto order = epoch_order(source, 0);
  EXPECT_TRUE(std::get<0>(order.sort()).equal(y));
}

TEST(DataSourceTest, OrderDependsOnlyOnSeedAndEpoch) {
  const auto x = torch::zeros({50, 1});
  const auto y = torch::arange(50, torch::kLong);
  TensorDataSource a(x, y, 8, 11), b(x, y, 8, 11), c(x, y, 8, 12);
  const auto a1 = epoch_order(a, 1);
  epoch_order(b, 0);
  epoch_order(b, 5);
  EXPECT_TRUE(epoch_order(b, 1).equal(a1));  // independent of earlier epochs (resumable)
  EXPECT_FALSE(epoch_order(a, 2).equal(a1));
  EXPECT_FALSE(epoch_order(c, 1).equal(a1));
}

TEST(DataSourceTest, FullBatchIsTheWholeDatasetInOrder) {
  const auto y = torch::arange(7, torch::kLong);
  TensorDataSource source(torch::zeros({7, 2}), y, 0, 0);
  source.start_epoch(4);
  EXPECT_EQ(source.batches_per_epoch(), 1);
  EXPECT_TRUE(source.batch(0).targets.equal(y));
}

TEST(DataSourceTest, WeightsStayWithTheirExamplesThroughTheShuffle) {
  const auto x = torch::arange(9, torch::kFloat32).reshape({9, 1});
  const auto y = torch::arange(9, torch::kLong);
  TensorDataSource source(x, y, 4, 5, y.to(torch::kFloat64) * 10);
  source.start_epoch(2);
  for (int64_t i = 0; i < source.batches_per_epoch(); ++i) {
    const Batch b = source.batch(i);
    EXPECT_TRUE(b.weights.equal(b.targets.to(torch::kFloat64) * 10));
  }
  EXPECT_FALSE(TensorDataSource(x, y, 4, 5).batch(0).weights.defined());
}

TEST(DataSourceTest, InvalidConstructionIsAnError) {
  EXPECT_THROW(TensorDataSource(torch::zeros({3, 1}), torch::zeros({3}), 2, 0, torch::ones({2})), core::Error);
  EXPECT_THROW(TensorDataSource(torch::zeros({3, 1}), torch::zeros({4}), 2, 0), core::Error);
  EXPECT_THROW(TensorDataSource(torch::zeros({3, 1}), torch::zeros({3}), -1, 0), core::UsageError);
  EXPECT_THROW(TensorDataSource(torch::zeros({0, 1}), torch::zeros({0}), 2, 0), core::Error);
}

}  // namespace
}  // namespace netprobe::train
