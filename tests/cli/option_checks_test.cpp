// The checks netprobe adds to CLI11: strict config files, finite reals, unsigned values, and
// one-line parse errors.
#include "cli/option_checks.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "tests/support/test_support.h"

namespace netprobe::cli {
namespace {

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  return out;
}

TEST(OptionChecksTest, ConfigFilesMustBeValidTomlWithFileLineAndColumn) {
  testing::TempDir tmp;
  core::write_file_atomic(tmp / "good.toml", "# comment\n\n[study]\nseeds = 3\nhidden = [32, 16]  # two layers\n");
  EXPECT_NO_THROW(check_config_file(tmp / "good.toml"));
  const auto error_in = [&](const std::string& name, const std::string& text) {
    core::write_file_atomic(tmp / name, text);
    return testing::error_of([&] { check_config_file(tmp / name); });
  };
  EXPECT_NE(error_in("bad.toml", "[study]\nnot toml\n[[[\n").find("bad.toml:2:"), std::string::npos);
  EXPECT_NE(error_in("quote.toml", "[study]\nout = \"results\n").find("quote.toml:2:"), std::string::npos);
  EXPECT_NE(error_in("twice.toml", "[study]\nseeds = 3\n[study]\nseeds = 4\n").find("twice.toml:3:1:"),
            std::string::npos);
  EXPECT_NE(error_in("key.toml", "[study]\nseeds = 3\nseeds = 4\n").find("key.toml:3:"), std::string::npos);
  EXPECT_NE(
      error_in("bom.toml", "\xEF\xBB\xBF[study]\nseeds = 3\n").find("bom.toml: starts with a UTF-8 byte order mark"),
      std::string::npos);
  EXPECT_THROW(check_config_file(tmp / "empty-value.toml"), core::UsageError);  // not written: no such file
  core::write_file_atomic(tmp / "empty-value.toml", "seeds =\n");
  EXPECT_THROW(check_config_file(tmp / "empty-value.toml"), core::UsageError);
  core::write_file_atomic(tmp / "equals.toml", "= = =\n");
  EXPECT_THROW(check_config_file(tmp / "equals.toml"), core::UsageError);
}

TEST(OptionChecksTest, ConfigSectionsAreSubcommandsAndKeysTheirOptionsNamedByDottedPath) {
  testing::TempDir tmp;
  CLI::App app;
  int threads = 0, seeds = 0, epochs = 0;
  app.add_option("--threads", threads);
  CLI::App* study = app.add_subcommand("study");
  study->add_option("--seeds", seeds);
  CLI::App* rnn = app.add_subcommand("rnn");
  rnn->add_subcommand("train")->add_option("--epochs", epochs);
  const auto check = [&](const std::string& text) {
    core::write_file_atomic(tmp / "c.toml", text);
    return testing::error_of([&] { check_config_file(tmp / "c.toml", &app); });
  };
  EXPECT_EQ(check("threads = 1\n[study]\nseeds = 3\n[rnn.train]\nepochs = 5\n"), "");
  EXPECT_NE(check("[study]\nseedz = 3\n").find("c.toml:2:1: unknown key 'study.seedz' (not an option of study"),
            std::string::npos);
  EXPECT_NE(
      check("[nonexistent]\nx = 1\n").find("unknown section [nonexistent] (sections are subcommands: study, rnn)"),
      std::string::npos);
  EXPECT_NE(check("[rnn.bogus]\nx = 1\n").find("unknown section [rnn.bogus] (sections are subcommands of rnn: train)"),
            std::string::npos);
  EXPECT_NE(check("seeds = 3\n").find("unknown key 'seeds' (not a global option"), std::string::npos);
}

TEST(OptionChecksTest, RealsMustBeFiniteAndNonEmptyAndUnsignedNonNegative) {
  const auto parse = [](std::vector<std::string> args) {
    CLI::App app;
    double eta = 0;
    std::vector<double> levels;
    uint64_t seed = 0;
    std::string name;
    app.add_option("--eta", eta);
    app.add_option("--levels", levels)->delimiter(',');
    app.add_option("--seed", seed);
    app.add_option("--name", name);
    args.insert(args.begin(), "netprobe");
    auto argv = argv_of(args);
    app.parse(static_cast<int>(argv.size()), argv.data());
    check_parsed_values(app);
  };
  EXPECT_NO_THROW(parse({"--eta", "0.5", "--levels", "0.1,0.9", "--seed", "7", "--name", "nan"}));
  for (const std::string bad : {"nan", "inf", "-inf", "1e999"}) {
    const std::string message = testing::error_of([&] { parse({"--eta", bad}); });
    EXPECT_EQ(message, "--eta: must be a finite number, got '" + bad + "'");
  }
  EXPECT_EQ(testing::error_of([&] { parse({"--levels", "0.5,nan"}); }), "--levels: must be a finite number, got 'nan'");
  EXPECT_EQ(testing::error_of([&] { parse({"--levels", ""}); }), "--levels: empty value");
  EXPECT_EQ(testing::error_of([&] { parse({"--seed", "-1"}); }), "--seed: must be >= 0, got '-1'");
}

TEST(OptionChecksTest, UnknownSubcommandsAreNamedWithTheKnownOnes) {
  CLI::App app;
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads);
  app.add_subcommand("train");
  app.add_subcommand("study");
  std::vector<std::string> args = {"netprobe", "--threads", "2", "frobnicate"};
  auto argv = argv_of(args);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    FAIL() << "no parse error";
  } catch (const CLI::ParseError& e) {
    EXPECT_EQ(describe_parse_error(app, e, static_cast<int>(argv.size()), argv.data()),
              "unknown subcommand 'frobnicate' (known: train, study)");
  }
  EXPECT_EQ(core::first_line("one\ntwo\nthree"), "one");
}

}  // namespace
}  // namespace netprobe::cli
