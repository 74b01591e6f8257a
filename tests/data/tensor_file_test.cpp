// A user's torch.save test set: what loads, and a one-line error naming the file for the rest.
#include "data/tensor_file.h"

#include <gtest/gtest.h>
#include <torch/serialize.h>

#include <fstream>

#include "core/errors.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::data {
namespace {

void save_value(const std::filesystem::path& path, const torch::IValue& value) {
  const std::vector<char> bytes = torch::pickle_save(value);
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(TensorFileTest, LoadsXAndYAndConvertsTypes) {
  testing::TempDir tmp;
  const torch::Tensor x = torch::arange(5 * 4, torch::kInt32).reshape({5, 1, 2, 2});
  const torch::Tensor y = torch::tensor({0, 2, 1, 1, 0}, torch::kInt32);
  testing::save_test_set(tmp / "t.pt", x, y);
  const LabeledTensors t = load_tensor_file(tmp / "t.pt");
  EXPECT_EQ(t.x.scalar_type(), torch::kFloat32);
  EXPECT_EQ(t.x.sizes(), x.sizes());  // the shape is the model's business
  EXPECT_TRUE(t.x.equal(x.to(torch::kFloat32)));
  EXPECT_EQ(t.y.scalar_type(), torch::kLong);
  EXPECT_TRUE(t.y.equal(y.to(torch::kLong)));

  testing::save_test_set(tmp / "float_labels.pt", x, torch::tensor({0., 1., 1., 0., 3.}));
  EXPECT_EQ(load_tensor_file(tmp / "float_labels.pt").y[4].item<int64_t>(), 3);  // whole numbers are labels
}

TEST(TensorFileTest, BadFilesAreOneLineErrorsNamingTheFile) {
  testing::TempDir tmp;
  const torch::Tensor x = torch::zeros({4, 3});
  const auto expect_error = [&](const std::string& name, const std::string& fragment) {
    const std::string message = testing::error_of([&] { load_tensor_file(tmp / name); });
    EXPECT_NE(message.find((tmp / name).string()), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  };
  expect_error("missing.pt", "missing.pt");
  testing::write_bytes(tmp / "text.pt", {'h', 'e', 'l', 'l', 'o'});
  expect_error("text.pt", "not a file written by torch.save");
  save_value(tmp / "tensor.pt", torch::IValue(x));
  expect_error("tensor.pt", "expected a dict");
  c10::Dict<std::string, at::Tensor> only_x;
  only_x.insert("x", x);
  only_x.insert("labels", torch::zeros({4}, torch::kLong));
  save_value(tmp / "no_y.pt", torch::IValue(only_x));
  expect_error("no_y.pt", "no tensor 'y' (keys: x, labels)");
  testing::save_test_set(tmp / "lengths.pt", x, torch::zeros({3}, torch::kLong));
  expect_error("lengths.pt", "x has 4 examples, y has 3");
  testing::save_test_set(tmp / "fractional.pt", x, torch::tensor({0., 0.5, 1., 1.}));
  expect_error("fractional.pt", "non-integer");
  testing::save_test_set(tmp / "negative.pt", x, torch::tensor({0, -1, 1, 1}));
  expect_error("negative.pt", "negative label (-1)");
  testing::save_test_set(tmp / "matrix_y.pt", x, torch::zeros({4, 2}, torch::kLong));
  expect_error("matrix_y.pt", "y must be a vector");
  testing::save_test_set(tmp / "empty.pt", torch::zeros({0, 3}), torch::zeros({0}, torch::kLong));
  expect_error("empty.pt", "no examples");
  testing::save_test_set(tmp / "nan.pt", torch::full({4, 3}, NAN), torch::zeros({4}, torch::kLong));
  expect_error("nan.pt", "NaN");
}

}  // namespace
}  // namespace netprobe::data
