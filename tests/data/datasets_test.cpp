#include "data/datasets.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "core/errors.h"
#include "data/idx.h"
#include "tests/support/test_support.h"

namespace netprobe::data {
namespace {

using testing::TempDir;

// Replaces one file of a generated dataset with the given array.
void overwrite(const std::filesystem::path& path, const IdxArray& array) {
  testing::write_bytes(path, encode_idx(array, false));
}

TEST(DatasetsTest, RegistryKnowsBothDatasetsWithTenClasses) {
  EXPECT_EQ(dataset_info("mnist").class_names.size(), 10u);
  const auto& fashion = dataset_info("fashion-mnist");
  EXPECT_EQ(fashion.class_names.at(3), "Dress");
  EXPECT_EQ(fashion.class_names.at(2), "Pullover");
  EXPECT_EQ(fashion.class_names.at(1), "Trouser");
  EXPECT_THROW(dataset_info("cifar"), core::UsageError);
}

TEST(DatasetsTest, LoadsGeneratedSplitWithContentAndCounts) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 25, 12, false);
  const auto& info = dataset_info("mnist");
  const LabeledImages train = load_split(info, Split::kTrain, tmp.path());
  ASSERT_EQ(train.size(), 25);
  EXPECT_EQ(train.images.sizes(), (std::vector<int64_t>{25, 28, 28}));
  EXPECT_EQ(train.images[4][13][2].item<int>(), (4 * 7) % 256);
  EXPECT_EQ(train.labels[13].item<int64_t>(), 3);
  EXPECT_EQ(class_counts(train, 10), (std::vector<int64_t>{3, 3, 3, 3, 3, 2, 2, 2, 2, 2}));
  EXPECT_EQ(load_split(info, Split::kTest, tmp.path()).size(), 12);
}

TEST(DatasetsTest, AnEmptySplitIsAnErrorNamingItsFile) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 25, 0, false);
  const auto& info = dataset_info("mnist");
  EXPECT_EQ(load_split(info, Split::kTrain, tmp.path()).size(), 25);
  EXPECT_NE(testing::error_of([&] {
              load_split(info, Split::kTest, tmp.path());
            }).find("t10k-images-idx3-ubyte: holds no images (the test split is empty)"),
            std::string::npos);
}

TEST(DatasetsTest, FashionLayoutReadsGzipFiles) {
  TempDir tmp;
  testing::write_fake_dataset(tmp / "fashion-mnist", 10, 10, true);
  const auto& info = dataset_info("fashion-mnist");
  const auto dir = resolve_data_dir(info, tmp.path());
  EXPECT_EQ(dir, tmp / "fashion-mnist");
  EXPECT_EQ(load_split(info, Split::kTrain, dir).size(), 10);
}

TEST(DatasetsTest, ImageAndLabelCountsMustAgree) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 10, 10, false);
  overwrite(tmp / "train-labels-idx1-ubyte", IdxArray{IdxType::kUint8, {9}, std::vector<uint8_t>(9, 1)});
  const std::string msg = testing::error_of([&] { load_split(dataset_info("mnist"), Split::kTrain, tmp.path()); });
  EXPECT_NE(msg.find("9 labels but"), std::string::npos) << msg;
  EXPECT_NE(msg.find("train-labels-idx1-ubyte"), std::string::npos) << msg;
}

TEST(DatasetsTest, LabelOutsideClassRange) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 10, 10, false);
  std::vector<uint8_t> labels(10, 2);
  labels[6] = 10;
  overwrite(tmp / "t10k-labels-idx1-ubyte", IdxArray{IdxType::kUint8, {10}, labels});
  const std::string msg = testing::error_of([&] { load_split(dataset_info("mnist"), Split::kTest, tmp.path()); });
  EXPECT_NE(msg.find("label 10 at index 6 is outside the class range 0..9"), std::string::npos) << msg;
}

TEST(DatasetsTest, WrongImageRankOrType) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 4, 4, false);
  overwrite(tmp / "train-images-idx3-ubyte", IdxArray{IdxType::kUint8, {4, 784}, std::vector<uint8_t>(4 * 784)});
  EXPECT_NE(testing::error_of([&] { load_split(dataset_info("mnist"), Split::kTrain, tmp.path()); }).find("rank 3"),
            std::string::npos);
  overwrite(tmp / "train-images-idx3-ubyte", IdxArray{IdxType::kInt8, {4, 28, 28}, std::vector<uint8_t>(4 * 784)});
  EXPECT_NE(testing::error_of([&] { load_split(dataset_info("mnist"), Split::kTrain, tmp.path()); }).find("0x09"),
            std::string::npos);
}

TEST(DatasetsTest, ImagesOfTheWrongSizeAreRejectedWhenLoaded) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 4, 4, false);
  overwrite(tmp / "t10k-images-idx3-ubyte", IdxArray{IdxType::kUint8, {4, 27, 27}, std::vector<uint8_t>(4 * 27 * 27)});
  const std::string message = testing::error_of([&] { load_split(dataset_info("mnist"), Split::kTest, tmp.path()); });
  EXPECT_NE(message.find("t10k-images-idx3-ubyte: images are 27x27, expected 28x28"), std::string::npos) << message;
}

TEST(DatasetsTest, ADirectoryOrDanglingLinkInPlaceOfAFileIsNamed) {
  TempDir tmp;
  testing::write_fake_dataset(tmp.path(), 4, 4, false);
  std::filesystem::remove(tmp / "train-labels-idx1-ubyte");
  std::filesystem::create_directories(tmp / "train-labels-idx1-ubyte");
  std::string message = testing::error_of([&] { resolve_data_dir(dataset_info("mnist"), tmp.path()); });
  EXPECT_NE(message.find("train-labels-idx1-ubyte: is a directory"), std::string::npos) << message;
  std::filesystem::remove(tmp / "train-labels-idx1-ubyte");
  std::filesystem::create_symlink(tmp / "gone", tmp / "train-labels-idx1-ubyte");
  message = testing::error_of([&] { resolve_data_dir(dataset_info("mnist"), tmp.path()); });
  EXPECT_NE(message.find("train-labels-idx1-ubyte: dangling symbolic link"), std::string::npos) << message;
}

TEST(DatasetsTest, ResolutionOrderCliThenEnvironment) {
  TempDir cli, env;
  testing::write_fake_dataset(cli / "mnist", 3, 3, false);
  testing::write_fake_dataset(env.path(), 3, 3, false);
  ::setenv("NETPROBE_DATA", env.path().c_str(), 1);
  const auto& info = dataset_info("mnist");
  EXPECT_EQ(resolve_data_dir(info, cli.path()), cli / "mnist");
  EXPECT_EQ(resolve_data_dir(info, std::nullopt), env.path());
  ::unsetenv("NETPROBE_DATA");
}

TEST(DatasetsTest, MissingDatasetSaysHowToFetch) {
  TempDir empty;
  const std::string msg = testing::error_of([&] { resolve_data_dir(dataset_info("mnist"), empty.path()); });
  EXPECT_NE(msg.find("dataset 'mnist' not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find(empty.path().string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("data/fetch.sh"), std::string::npos) << msg;
}

}  // namespace
}  // namespace netprobe::data
