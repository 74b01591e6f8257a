#include "src/data/idx.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace netprobe::data {
namespace {

using testing::TempDir;
using testing::write_bytes;

IdxArray sample(IdxType type, std::vector<uint32_t> dims) {
  IdxArray a{type, std::move(dims), {}};
  a.body.resize(a.element_count() * idx_element_size(type));
  for (size_t i = 0; i < a.body.size(); ++i) a.body[i] = static_cast<uint8_t>(i * 31 + 5);
  return a;
}

// Expects read_idx to throw an IdxError whose message names the file and contains `needle`.
void expect_idx_error(const std::filesystem::path& path, const std::string& needle) {
  try {
    read_idx(path);
    FAIL() << "no error for " << path;
  } catch (const IdxError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << "expected '" << needle << "' in: " << msg;
  }
}

TEST(IdxTest, RoundTripsEveryTypeRawAndGzip) {
  TempDir tmp;
  for (IdxType type : {IdxType::kUint8, IdxType::kInt8, IdxType::kInt16, IdxType::kInt32, IdxType::kFloat32,
                       IdxType::kFloat64}) {
    for (bool gzip : {false, true}) {
      const IdxArray original = sample(type, {3, 5, 2});
      const auto path = tmp / ("a" + std::to_string(static_cast<int>(type)) + (gzip ? ".gz" : ""));
      write_bytes(path, encode_idx(original, gzip));
      const IdxArray back = read_idx(path);
      EXPECT_EQ(back.type, type);
      EXPECT_EQ(back.dims, original.dims);
      EXPECT_EQ(back.body, original.body);
    }
  }
}

TEST(IdxTest, HeaderIsBigEndian) {
  const auto bytes = encode_idx(sample(IdxType::kUint8, {258, 1}), false);
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 8), (std::vector<uint8_t>{0, 0, 8, 2, 0, 0, 1, 2}));
}

TEST(IdxTest, GzipIsDetectedByContentNotName) {
  TempDir tmp;
  write_bytes(tmp / "plain-name", encode_idx(sample(IdxType::kUint8, {4}), true));
  EXPECT_EQ(read_idx(tmp / "plain-name").dims, std::vector<uint32_t>{4});
}

TEST(IdxTest, EmptyFile) {
  TempDir tmp;
  write_bytes(tmp / "empty", {});
  expect_idx_error(tmp / "empty", "empty file");
}

TEST(IdxTest, WrongMagic) {
  TempDir tmp;
  auto bytes = encode_idx(sample(IdxType::kUint8, {4}), false);
  bytes[0] = 0x12;
  write_bytes(tmp / "f", bytes);
  expect_idx_error(tmp / "f", "wrong magic");
}

TEST(IdxTest, UnknownTypeCode) {
  TempDir tmp;
  auto bytes = encode_idx(sample(IdxType::kUint8, {4}), false);
  bytes[2] = 0x0A;
  write_bytes(tmp / "f", bytes);
  expect_idx_error(tmp / "f", "unknown IDX type code 0x0a");
}

TEST(IdxTest, TruncatedHeader) {
  TempDir tmp;
  write_bytes(tmp / "short", {0, 0, 8});
  expect_idx_error(tmp / "short", "truncated header");
  write_bytes(tmp / "dims", {0, 0, 8, 3, 0, 0, 0, 1, 0, 0});  // 3 dims announced, 1.5 given
  expect_idx_error(tmp / "dims", "truncated header");
}

TEST(IdxTest, ZeroDimensions) {
  TempDir tmp;
  write_bytes(tmp / "f", {0, 0, 8, 0});
  expect_idx_error(tmp / "f", "number of dimensions 0");
}

TEST(IdxTest, TruncatedBody) {
  TempDir tmp;
  auto bytes = encode_idx(sample(IdxType::kInt32, {2, 3}), false);
  bytes.pop_back();
  write_bytes(tmp / "f", bytes);
  expect_idx_error(tmp / "f", "truncated body");
}

TEST(IdxTest, DimensionProductDoesNotMatchFileSize) {
  TempDir tmp;
  auto bytes = encode_idx(sample(IdxType::kUint8, {2, 3}), false);
  bytes.push_back(0);
  write_bytes(tmp / "f", bytes);
  expect_idx_error(tmp / "f", "dimension product does not match the file size");
}

TEST(IdxTest, HugeDimensionsDoNotOverflow) {
  TempDir tmp;
  write_bytes(tmp / "f", {0, 0, 0x0E, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1});
  expect_idx_error(tmp / "f", "too large");
}

TEST(IdxTest, TruncatedGzip) {
  TempDir tmp;
  auto bytes = encode_idx(sample(IdxType::kUint8, {100, 10}), true);
  bytes.resize(bytes.size() / 2);
  write_bytes(tmp / "f.gz", bytes);
  expect_idx_error(tmp / "f.gz", "truncated gzip");
}

TEST(IdxTest, CorruptGzip) {
  TempDir tmp;
  auto bytes = encode_idx(sample(IdxType::kUint8, {100, 10}), true);
  for (size_t i = 12; i < bytes.size() - 8; ++i) bytes[i] = static_cast<uint8_t>(bytes[i] ^ 0x5A);
  write_bytes(tmp / "f.gz", bytes);
  expect_idx_error(tmp / "f.gz", "corrupt gzip");
}

TEST(IdxTest, DirectoryInsteadOfFile) {
  TempDir tmp;
  expect_idx_error(tmp.path(), "is a directory");
}

TEST(IdxTest, MissingFile) {
  TempDir tmp;
  expect_idx_error(tmp / "nope", "no such file");
}

}  // namespace
}  // namespace netprobe::data
