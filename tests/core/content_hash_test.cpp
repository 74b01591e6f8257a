#include "core/content_hash.h"

#include <string>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

TEST(ContentHashTest, PiecesHashLikeTheWholeAndLikeTagOf) {
  // FNV-1a 64 of "a" (a published test vector) and of the empty string (the offset basis).
  EXPECT_EQ(tag_of("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(ContentHash().fnv1a(), tag_of(""));
  const std::string text = "[\n  {\"task\": \"mnist-7v9\"},\n]\n";
  ContentHash pieces;
  for (size_t i = 0; i < text.size(); i += 5) pieces.update(std::string_view(text).substr(i, 5));
  EXPECT_EQ(pieces.fnv1a(), tag_of(text));
  EXPECT_EQ(pieces.bytes(), text.size());
}

TEST(ContentHashTest, AFileHashesLikeItsBytesAcrossChunksAndNamesAMissingFile) {
  testing::TempDir tmp;
  std::string big(3 * (1 << 20) + 17, '\0');  // more than two 1 MiB chunks
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
  write_file_atomic(tmp.path() / "big.bin", big);
  const ContentHash h = hash_file(tmp.path() / "big.bin");
  EXPECT_EQ(h.fnv1a(), tag_of(big));
  EXPECT_EQ(h.bytes(), big.size());
  write_file_atomic(tmp.path() / "empty", "");
  EXPECT_EQ(hash_file(tmp.path() / "empty").fnv1a(), tag_of(""));
  const std::string missing = testing::error_of([&] { hash_file(tmp.path() / "nope.json"); });
  EXPECT_NE(missing.find("nope.json: no such file"), std::string::npos) << missing;
  const std::string dir = testing::error_of([&] { hash_file(tmp.path()); });
  EXPECT_NE(dir.find("is a directory"), std::string::npos) << dir;
}

}  // namespace
}  // namespace netprobe::core
