#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/json_io.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

namespace fs = std::filesystem;
using testing::entries_in;
using testing::TempDir;

TEST(AtomicFileTest, WritesAndReplacesWholeFile) {
  TempDir tmp;
  write_file_atomic(tmp / "a.txt", "first version, longer");
  write_file_atomic(tmp / "a.txt", "second");
  EXPECT_EQ(read_file(tmp / "a.txt"), "second");
  EXPECT_EQ(entries_in(tmp.path()), 1u);
}

TEST(AtomicFileTest, FailedWriterLeavesNothingBehind) {
  TempDir tmp;
  write_file_atomic(tmp / "keep.txt", "old");
  EXPECT_THROW(write_atomically(tmp / "keep.txt",
                                [](const fs::path& p) {
                                  write_file_atomic(p, "half");
                                  throw Error("interrupted");
                                }),
               Error);
  EXPECT_EQ(read_file(tmp / "keep.txt"), "old");
  EXPECT_EQ(entries_in(tmp.path()), 1u);
}

TEST(AtomicFileTest, ReadFileNamesMissingFileAndDirectory) {
  TempDir tmp;
  try {
    read_file(tmp / "missing.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.json: no such file"), std::string::npos);
  }
  try {
    read_file(tmp.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos);
  }
}

TEST(JsonIoTest, RoundTripAndParseErrorNamesFile) {
  TempDir tmp;
  write_json(tmp / "m.json", Json{{"acc", 99.5}, {"classes", {7, 9}}});
  EXPECT_EQ(read_json(tmp / "m.json")["classes"][1], 9);
  write_file_atomic(tmp / "bad.json", "{\"acc\": ");
  try {
    read_json(tmp / "bad.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: invalid JSON"), std::string::npos);
  }
}

TEST(JsonIoTest, JsonLinesAppendsOneRecordPerLine) {
  TempDir tmp;
  {
    JsonLinesWriter log(tmp / "metrics.jsonl");
    log.write({{"epoch", 1}});
    log.write({{"epoch", 2}});
  }
  EXPECT_EQ(read_file(tmp / "metrics.jsonl"), "{\"epoch\":1}\n{\"epoch\":2}\n");
}

}  // namespace
}  // namespace netprobe::core
