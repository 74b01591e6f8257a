#include "data/idx.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace netprobe::data {
namespace {

using testing::TempDir;
using testing::write_bytes;

// The gzip-compressed header of an array of `dims`, without its body.
std::vector<uint8_t> encode_idx_header_only(IdxType type, std::vector<uint32_t> dims) {
  IdxArray a{type, std::move(dims), {}};
  return encode_idx(a, true);
}

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
  for (IdxType type :
       {IdxType::kUint8, IdxType::kInt8, IdxType::kInt16, IdxType::kInt32, IdxType::kFloat32, IdxType::kFloat64}) {
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
  expect_idx_error(tmp / "f", "more than netprobe reads");
  // 2^31 x 2^31 x 2^31 x 2^31 x 16 bytes is 2^128: a 128-bit product wraps to 0 and would match
  // an empty body.
  std::vector<uint8_t> wrapping = {0, 0, 0x08, 5};
  for (int i = 0; i < 4; ++i) wrapping.insert(wrapping.end(), {0x80, 0, 0, 0});
  wrapping.insert(wrapping.end(), {0, 0, 0, 16});
  write_bytes(tmp / "wrap", wrapping);
  expect_idx_error(tmp / "wrap", "over 2^64 bytes");
  // Within 64 bits but beyond the 2 GiB bound: refused before any allocation.
  write_bytes(tmp / "big.gz", encode_idx_header_only(IdxType::kFloat64, {1u << 20, 1u << 10}));
  expect_idx_error(tmp / "big.gz", "more than netprobe reads");
}

TEST(IdxTest, GzipWithTrailingDataOrASecondMemberIsRejected) {
  TempDir tmp;
  const auto one = encode_idx(sample(IdxType::kUint8, {4, 4}), true);
  auto garbage = one;
  garbage.insert(garbage.end(), {1, 2, 3});
  write_bytes(tmp / "garbage.gz", garbage);
  expect_idx_error(tmp / "garbage.gz", "3 bytes of trailing data");
  auto two = one;
  two.insert(two.end(), one.begin(), one.end());
  write_bytes(tmp / "two.gz", two);
  expect_idx_error(tmp / "two.gz", "trailing data after the gzip stream");
}

TEST(IdxTest, GzipBombBehindASmallHeaderStopsAtTheDeclaredSize) {
  TempDir tmp;
  // A valid 16-byte image followed, inside the same gzip member, by 64 MiB of zeros.
  IdxArray bomb = sample(IdxType::kUint8, {16});
  bomb.body.resize(bomb.body.size() + (size_t{64} << 20), 0);
  const auto bytes = encode_idx(bomb, true);  // the header still says 16 bytes
  ASSERT_LT(bytes.size(), size_t{1} << 20);
  std::vector<uint8_t> lying = bytes;
  write_bytes(tmp / "bomb.gz", lying);
  expect_idx_error(tmp / "bomb.gz", "more data than expected");
  EXPECT_THROW(gunzip(bytes.data(), bytes.size(), "bomb", 1 << 20), IdxError);  // over the caller's bound
}

TEST(IdxTest, SpecialFilesAreNamedAndNeverOpened) {
  TempDir tmp;
  std::filesystem::create_symlink(tmp / "missing-target", tmp / "dangling");
  expect_idx_error(tmp / "dangling", "dangling symbolic link");
  ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
  expect_idx_error(tmp / "fifo", "not a regular file");  // would block forever if opened
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
