// Runs the netprobe binary as a user would (label e2e).
#include <regex>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
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

TEST(CliE2E, EverySubcommandsHelpShowsTheGlobalOptionsAndProbeListsVariants) {
  for (const char* sub :
       {"train", "eval", "probe", "compress", "export", "study", "report", "rnn train", "rnn probe"}) {
    const auto help = run_netprobe(std::string(sub) + " --help");
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_NE(help.out.find("Global options (before or after the subcommand):"), std::string::npos) << sub;
    EXPECT_NE(help.out.find("--data-dir"), std::string::npos) << sub;
  }
  const auto probe = run_netprobe("probe --help");
  EXPECT_TRUE(has_line(probe.out, " +shuffle +A, B, C, D, E, F, G; .*")) << probe.out;
  EXPECT_TRUE(has_line(probe.out, " +prune +magnitude, random, largest; level p; .*")) << probe.out;
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

TEST(CliE2E, ValuesThatUsedToBeAcceptedSilentlyAreOneLineUsageErrors) {
  testing::TempDir tmp;
  core::write_file_atomic(tmp / "bad.toml", "not toml\n[[[\n= = =\n");
  core::write_file_atomic(tmp / "extra.toml", "[train]\nepoch = 3\n");
  core::write_file_atomic(tmp / "flat.toml", "hiden = [32]\n");
  const std::string out = " --out " + (tmp / "run").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--config " + (tmp / "bad.toml").string() + " data info", "bad.toml:1:"},
      {"--config " + (tmp / "extra.toml").string() + " train --classes 7,9" + out, "unknown key 'train.epoch'"},
      {"--config " + (tmp / "flat.toml").string() + " train --classes 7,9" + out, "unknown key 'hiden'"},
      {"--seed -1 data info", "--seed: must be >= 0"},
      {"rnn train --eta inf" + out, "--eta: must be a finite number"},
      {"rnn train --decay nan" + out, "--decay: must be a finite number"},
      {"train --classes 7,9 --lr nan" + out, "--lr: must be a finite number"},
      {"--threads 100000 data info", "--threads: at most"},
      {"frobnicate", "unknown subcommand 'frobnicate'"},
      {"train --classes 7,9 --hidden 1000000000" + out, "--hidden: a 784-1000000000-2 MLP"},
      {"rnn train --n 2000000000" + out, "--n: a rank-1 network of N = 2000000000"},
      {"study --pairs 7-9 --out " + (tmp / "bad.toml").string(),
       "--out: " + (tmp / "bad.toml").string() + " exists and is not a directory"},
  };
  for (const auto& [args, needle] : cases) {
    const auto r = run_netprobe(args + " -q");
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp / "run"));
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
