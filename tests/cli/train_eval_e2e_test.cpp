// `netprobe train` and `netprobe eval` as a user runs them, on the real MNIST (label e2e).
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/json_io.h"
#include "tests/support/test_support.h"

namespace netprobe {
namespace {

namespace fs = std::filesystem;
using testing::run_netprobe;

std::string data_dir_arg() { return " --data-dir " + (testing::repo_root() / "data").string(); }

TEST(TrainEvalE2E, TrainWritesRunAndEvalReproducesItsTestAccuracy) {
  testing::TempDir tmp;
  const auto out = tmp / "run";
  const auto r =
      run_netprobe("train --classes 7,9 --epochs 2 --threads 1 --seed 3 -q --out " + out.string() + data_dir_arg());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json meta = core::read_json(out / "meta.json");
  EXPECT_EQ(meta["config"]["epochs"], 2);
  EXPECT_EQ(meta["config"]["seed"], 3);
  EXPECT_EQ(meta["task"]["train_size"], 12214);
  const double acc = meta["final"]["test_acc"].get<double>();
  EXPECT_GT(acc, 95.0);
  const auto e = run_netprobe("eval --model " + out.string() + data_dir_arg());
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find(fmt::format("test accuracy {:.2f}% (2037 images)", acc)), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("     0      7 7"), std::string::npos) << e.out;  // label 0 is class 7

  // JSON: per-class accuracies whose example-weighted mean is the overall accuracy.
  const auto j = run_netprobe("eval --format json --model " + out.string() + data_dir_arg());
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const core::Json result = core::Json::parse(j.out);
  ASSERT_EQ(result["per_class"].size(), 2u);
  EXPECT_EQ(result["per_class"][0]["class"], 7);
  EXPECT_EQ(result["per_class"][0]["examples"], 1028);  // MNIST's test set has 1028 sevens and 1009 nines
  EXPECT_EQ(result["per_class"][1]["examples"], 1009);
  double weighted = 0;
  for (const auto& c : result["per_class"]) {
    weighted += c["accuracy"].get<double>() * c["examples"].get<double>() / 2037.0;
  }
  EXPECT_NEAR(weighted, result["accuracy"].get<double>(), 1e-9);
  EXPECT_NEAR(result["accuracy"].get<double>(), acc, 1e-9);
}

TEST(TrainEvalE2E, TheRunRecordsItsCommandLineAndConfigFile) {
  testing::TempDir tmp;
  const std::string config = "[train]\nepochs = 1\nhidden = [16]\n";
  core::write_file_atomic(tmp / "run.toml", config);
  const auto out = tmp / "run";
  const auto r = run_netprobe("--config " + (tmp / "run.toml").string() + " train --classes 7,9 --threads 1 -q --out " +
                              out.string() + data_dir_arg());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json meta = core::read_json(out / "meta.json");
  EXPECT_EQ(meta["config"]["epochs"], 1);           // the file's value took effect ...
  EXPECT_EQ(meta["invocation"]["config"], config);  // ... and the file is in the run
  EXPECT_EQ(meta["invocation"]["config_file"], (tmp / "run.toml").string());
  const auto argv = meta["invocation"]["argv"];
  EXPECT_NE(std::find(argv.begin(), argv.end(), "train"), argv.end()) << argv.dump();
  EXPECT_NE(std::find(argv.begin(), argv.end(), "7,9"), argv.end()) << argv.dump();
}

TEST(TrainEvalE2E, UsageErrorsWriteNothing) {
  testing::TempDir tmp;
  const auto out = (tmp / "run").string();
  for (const std::string& args : std::vector<std::string>{
           "train --classes 7,7 --out " + out, "train --classes 7,12 --out " + out,
           "train --classes 7,9 --lr -1 --out " + out, "train --classes 7,9 --epochs 0 --out " + out,
           "train --classes 7,9 --activation gelu --out " + out, "train --classes 7,9 --hidden 64,0 --out " + out,
           "train --classes 7,9"}) {
    const auto r = run_netprobe(args + data_dir_arg());
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find("--"), std::string::npos) << "error should name the option: " << r.err;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(TrainEvalE2E, EvalOnSomethingThatIsNotARunFails) {
  testing::TempDir tmp;
  const auto r = run_netprobe("eval --model " + tmp.path().string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--model: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a netprobe run directory"), std::string::npos) << r.err;
}

// A run whose meta.json was damaged or hand-edited: the file is named, not an option.
TEST(TrainEvalE2E, ADamagedMetaJsonIsNamedNotBlamedOnAnOption) {
  const std::optional<fs::path> shared = testing::shared_e2e_model();
  if (!shared) GTEST_SKIP() << "the shared e2e model is not built";
  testing::TempDir tmp;
  fs::copy(*shared, tmp / "run", fs::copy_options::recursive);
  core::Json meta = core::read_json(tmp / "run" / "meta.json");
  meta["config"]["hidden"] = {-5};
  core::write_json(tmp / "run" / "meta.json", meta);
  for (const std::string& command :
       std::vector<std::string>{"eval --model ", "export --out " + (tmp / "x.pt").string() + " --model "}) {
    const auto r = run_netprobe(command + (tmp / "run").string());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("run/meta.json: invalid run config"), std::string::npos) << r.err;
  }
  core::write_json(tmp / "run" / "meta.json", core::Json::object());
  const auto r = run_netprobe("eval --model " + (tmp / "run").string());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("run/meta.json: no \"kind\" of run"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace netprobe
