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

TEST(OptionChecksTest, ConfigFilesMustBeSectionsAndKeyValuePairs) {
  testing::TempDir tmp;
  core::write_file_atomic(tmp / "good.toml", "# comment\n\n[study]\nseeds = 3\nhidden = [32, 16]  # two layers\n");
  EXPECT_NO_THROW(check_config_file(tmp / "good.toml"));
  core::write_file_atomic(tmp / "bad.toml", "[study]\nnot toml\n[[[\n");
  const std::string message = testing::error_of([&] { check_config_file(tmp / "bad.toml"); });
  EXPECT_NE(message.find("bad.toml:2: not a TOML section or key = value line: 'not toml'"), std::string::npos)
      << message;
  core::write_file_atomic(tmp / "empty-value.toml", "seeds =\n");
  EXPECT_THROW(check_config_file(tmp / "empty-value.toml"), core::UsageError);
  core::write_file_atomic(tmp / "equals.toml", "= = =\n");
  EXPECT_THROW(check_config_file(tmp / "equals.toml"), core::UsageError);
  EXPECT_THROW(check_config_file(tmp / "missing.toml"), core::UsageError);
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
