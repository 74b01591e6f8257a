#include "core/checkpoint.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

using testing::TempDir;

struct TinyNet : torch::nn::Module {
  explicit TinyNet(int64_t hidden) {
    fc1 = register_module("fc1", torch::nn::Linear(3, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, 2));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};

TEST(CheckpointTest, RoundTripKeepsNamesOrderAndValues) {
  TempDir tmp;
  TinyNet a(4), b(4);
  save_tensors(tmp / "w.pt", parameters_of(a));
  const NamedTensors loaded = load_tensors(tmp / "w.pt");
  ASSERT_EQ(loaded.size(), 4u);
  EXPECT_EQ(loaded[0].first, "fc1.weight");
  EXPECT_EQ(loaded[3].first, "fc2.bias");
  load_into(b, loaded, "w.pt");
  EXPECT_TRUE(b.fc1->weight.equal(a.fc1->weight));
  EXPECT_TRUE(b.fc2->bias.equal(a.fc2->bias));
}

TEST(CheckpointTest, ShapeMismatchIsAnErrorAndLeavesModelUntouched) {
  TempDir tmp;
  TinyNet small(4), big(5);
  save_tensors(tmp / "w.pt", parameters_of(small));
  const auto before = big.fc2->bias.clone();
  const std::string msg = testing::error_of([&] { load_into(big, load_tensors(tmp / "w.pt"), "run/weights.pt"); });
  EXPECT_NE(msg.find("run/weights.pt: architecture mismatch: 'fc1.weight' has shape 4x3"), std::string::npos) << msg;
  EXPECT_TRUE(big.fc2->bias.equal(before));
}

TEST(CheckpointTest, MissingOrExtraParametersAreErrors) {
  TinyNet net(4);
  NamedTensors params = parameters_of(net);
  params.pop_back();
  EXPECT_NE(testing::error_of([&] { load_into(net, params, "x"); }).find("architecture mismatch"), std::string::npos);
  params.emplace_back("fc3.bias", torch::zeros({2}));
  EXPECT_NE(testing::error_of([&] { load_into(net, params, "x"); }).find("unexpected parameter 'fc3.bias'"),
            std::string::npos);
}

TEST(CheckpointTest, CorruptOrMissingFileIsAnErrorNamingIt) {
  TempDir tmp;
  testing::write_bytes(tmp / "bad.pt", {1, 2, 3, 4, 5});
  EXPECT_NE(testing::error_of([&] { load_tensors(tmp / "bad.pt"); }).find("bad.pt: not a valid netprobe checkpoint"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { load_tensors(tmp / "none.pt"); }).find("none.pt: no such file"), std::string::npos);
  TinyNet net(4);
  save_tensors(tmp / "w.pt", parameters_of(net));
  auto bytes = read_file(tmp / "w.pt");
  bytes.resize(bytes.size() / 2);
  testing::write_bytes(tmp / "half.pt", std::vector<uint8_t>(bytes.begin(), bytes.end()));
  EXPECT_NE(testing::error_of([&] { load_tensors(tmp / "half.pt"); }).find("half.pt: not a valid"), std::string::npos);
}

// One flipped bit in the stored values (the pickle still reads) is caught by the content hash.
TEST(CheckpointTest, AChangedValueFailsTheContentHashNamingTheFile) {
  TempDir tmp;
  TinyNet net(4);
  torch::NoGradGuard no_grad;
  net.fc1->weight.fill_(0.25);  // a value whose bytes are easy to find: 0x3e800000, little-endian
  save_tensors(tmp / "w.pt", parameters_of(net));
  std::string bytes = read_file(tmp / "w.pt");
  const std::string quarter("\x00\x00\x80\x3e", 4);
  const size_t at = bytes.find(quarter);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] = static_cast<char>(0x81);  // 0.25 -> 0.2519...
  testing::write_bytes(tmp / "w.pt", std::vector<uint8_t>(bytes.begin(), bytes.end()));
  bool integrity = false;
  const std::string message = testing::error_of([&] {
    try {
      load_tensors(tmp / "w.pt");
    } catch (const IntegrityError&) {
      integrity = true;
      throw;
    }
  });
  EXPECT_TRUE(integrity) << message;
  EXPECT_NE(message.find("w.pt: its tensors do not match the content hash"), std::string::npos) << message;
}

}  // namespace
}  // namespace netprobe::core
