// Runs the netprobe binary as a user would (label e2e).
#include <regex>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace netprobe {
namespace {

using testing::run_netprobe;

// True if some line of `text` matches `pattern` (whitespace-insensitive table checks).
bool has_line(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex("(^|\\n)" + pattern + "(\\n|$)"));
}

TEST(CliE2E, HelpAndVersion) {
  const auto help = run_netprobe("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("data"), std::string::npos);
  EXPECT_NE(help.out.find("--threads"), std::string::npos);
  const auto version = run_netprobe("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("netprobe 0.1.0"), std::string::npos);
  EXPECT_NE(version.out.find("libtorch 1.13"), std::string::npos);
}

TEST(CliE2E, UsageErrorsExitTwoWithOneLine) {
  for (const char* args : {"", "nosuchcommand", "data info --dataset cifar", "--threads -3 data info"}) {
    const auto r = run_netprobe(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
  }
  const auto r = run_netprobe("data info --dataset cifar");
  EXPECT_NE(r.err.find("unknown dataset 'cifar'"), std::string::npos) << r.err;
}

TEST(CliE2E, DataInfoOnGeneratedDataset) {
  testing::TempDir tmp;
  testing::write_fake_dataset(tmp / "mnist", 30, 10, false);
  const auto r = run_netprobe("data info --dataset mnist --data-dir " + tmp.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, R"(\s+all\s+30\s+10)")) << r.out;
}

TEST(CliE2E, DataInfoOnRealMnistPrintsOfficialCounts) {
  const auto r = run_netprobe("data info --dataset mnist --data-dir " + (testing::repo_root() / "data").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, R"(\s+1\s+1\s+6742\s+1135)")) << r.out;
  EXPECT_TRUE(has_line(r.out, R"(\s+all\s+60000\s+10000)")) << r.out;
}

TEST(CliE2E, CorruptDatasetFileIsOneLineErrorExitOne) {
  testing::TempDir tmp;
  testing::write_fake_dataset(tmp / "mnist", 30, 10, false);
  testing::write_bytes(tmp / "mnist" / "t10k-images-idx3-ubyte", {0, 0, 8, 3, 0, 0});
  const auto r = run_netprobe("data info --dataset mnist --data-dir " + tmp.path().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("t10k-images-idx3-ubyte: truncated header"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace netprobe
