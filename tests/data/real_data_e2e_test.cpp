// Checks against the real datasets fetched by data/fetch.sh (label e2e).
#include <gtest/gtest.h>

#include "data/task.h"
#include "tests/support/test_support.h"

namespace netprobe::data {
namespace {

std::filesystem::path dir_of(const std::string& dataset) {
  return resolve_data_dir(dataset_info(dataset), testing::repo_root() / "data");
}

TEST(RealDataE2E, MnistTrainCountsPerDigit) {
  const auto& info = dataset_info("mnist");
  const auto train = load_split(info, Split::kTrain, dir_of("mnist"));
  EXPECT_EQ(class_counts(train, 10),
            (std::vector<int64_t>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}));
  EXPECT_EQ(load_split(info, Split::kTest, dir_of("mnist")).size(), 10000);
}

TEST(RealDataE2E, FashionMnistIsBalanced) {
  const auto& info = dataset_info("fashion-mnist");
  EXPECT_EQ(class_counts(load_split(info, Split::kTrain, dir_of("fashion-mnist")), 10), std::vector<int64_t>(10, 6000));
  EXPECT_EQ(class_counts(load_split(info, Split::kTest, dir_of("fashion-mnist")), 10), std::vector<int64_t>(10, 1000));
}

TEST(RealDataE2E, Mnist7v9Sizes) {
  const Task task = build_task(TaskSpec{"mnist", {7, 9}}, dir_of("mnist"));
  EXPECT_EQ(task.train_x.size(0), 12214);
  EXPECT_EQ(task.test_x.size(0), 2037);
  EXPECT_EQ(task.train_y.eq(0).sum().item<int64_t>(), 6265);  // 7 is label 0
  EXPECT_FLOAT_EQ(task.train_x.min().item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(task.train_x.max().item<float>(), 1.0f);
}

}  // namespace
}  // namespace netprobe::data
