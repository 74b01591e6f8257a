#include "data/task.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "tests/support/test_support.h"

namespace netprobe::data {
namespace {

TEST(TaskTest, ParsesPairsListsAndAll) {
  const auto& mnist = dataset_info("mnist");
  EXPECT_EQ(parse_classes("7,9", mnist), (std::vector<int>{7, 9}));
  EXPECT_EQ(parse_classes("3-1", mnist), (std::vector<int>{3, 1}));
  EXPECT_EQ(parse_classes("0,4,2", mnist), (std::vector<int>{0, 4, 2}));
  EXPECT_EQ(parse_classes("all", mnist).size(), 10u);
}

TEST(TaskTest, InvalidClassListsAreUsageErrors) {
  const auto& mnist = dataset_info("mnist");
  for (const char* bad : {"7,7", "7,10", "-1,3", "7", "x,9", "7,,9", "7,9a", ""}) {
    EXPECT_THROW(parse_classes(bad, mnist), core::UsageError) << bad;
  }
  EXPECT_THROW(validate_task(TaskSpec{"emnist", {1, 2}}), core::UsageError);
}

TEST(TaskTest, IdNamesDatasetAndClassesInOrder) {
  EXPECT_EQ((TaskSpec{"mnist", {7, 9}}).id(), "mnist-7v9");
  EXPECT_EQ((TaskSpec{"fashion-mnist", {3, 2}}).id(), "fashion-mnist-3v2");
}

TEST(TaskTest, NormalizationMapsPixelsOntoMinusOneToOne) {
  const auto images = torch::tensor({0, 255, 51}, torch::kUInt8).reshape({1, 3});
  const auto x = normalize_images(images);
  testing::expect_close(x, torch::tensor({{-1.0f, 1.0f, -0.6f}}), 1e-6, 1e-6);
}

TEST(TaskTest, UnitInputsAreXOver255AndNameTheirTask) {
  const auto images = torch::tensor({0, 255, 51}, torch::kUInt8).reshape({1, 3});
  testing::expect_close(normalize_images(images, InputScale::kUnit), torch::tensor({{0.0f, 1.0f, 0.2f}}), 1e-6, 1e-6);
  EXPECT_EQ((TaskSpec{"mnist", {7, 9}, InputScale::kUnit}).id(), "mnist-7v9-unit");
  EXPECT_EQ(parse_input_scale("unit"), InputScale::kUnit);
  EXPECT_EQ(parse_input_scale("signed"), InputScale::kSigned);
  EXPECT_THROW(parse_input_scale("[0,1]"), core::UsageError);
}

TEST(TaskTest, FirstClassNamedIsLabelZeroAndOrderIsKept) {
  const LabeledImages split{torch::arange(8, torch::kUInt8).reshape({8, 1, 1}),
                            torch::tensor({9, 7, 1, 9, 7, 7, 0, 9}, torch::kInt64)};
  const LabeledImages pair = select_classes(split, {7, 9});
  EXPECT_TRUE(pair.labels.equal(torch::tensor({1, 0, 1, 0, 0, 1}, torch::kInt64)));
  EXPECT_TRUE(pair.images.flatten().equal(torch::tensor({0, 1, 3, 4, 5, 7}, torch::kUInt8)));
}

TEST(TaskTest, BuildTaskOnGeneratedData) {
  testing::TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 40, 20, false);
  const Task task = build_task(TaskSpec{"mnist", {3, 8}}, tmp.path());
  EXPECT_EQ(task.num_classes, 2);
  EXPECT_EQ(task.train_x.sizes(), (std::vector<int64_t>{8, 784}));
  EXPECT_EQ(task.test_x.size(0), 4);
  EXPECT_EQ(task.train_y.sum().item<int64_t>(), 4);  // four 8s among eight images
  EXPECT_GE(task.train_x.min().item<float>(), -1.0f);
  EXPECT_LE(task.train_x.max().item<float>(), 1.0f);
}

}  // namespace
}  // namespace netprobe::data
