// `netprobe rnn train` and `netprobe rnn theory` as a user runs them (label e2e).
#include <gtest/gtest.h>

#include "src/core/atomic_file.h"
#include "src/core/json_io.h"
#include "tests/support/test_support.h"

namespace netprobe {
namespace {

namespace fs = std::filesystem;
using testing::run_netprobe;

TEST(RnnE2E, TrainWritesWeightsOverlapTrajectoryAndMeta) {
  testing::TempDir tmp;
  const auto r = run_netprobe("rnn train --n 200 --epochs 30 --track-every 10 -q --threads 1 --out " + (tmp / "run").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = core::read_file(tmp / "run" / "overlaps.csv");
  EXPECT_EQ(csv.rfind("epoch,loss,|z|^2,z.v1,z.m,z.u1,", 0), 0u) << csv.substr(0, 80);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4);  // header, epochs 0, 10, 20, 30
  const core::Json meta = core::read_json(tmp / "run" / "meta.json");
  EXPECT_LT(meta["final_loss"].get<double>(), meta["initial_loss"].get<double>());
  EXPECT_TRUE(fs::exists(tmp / "run" / "weights.pt"));
}

TEST(RnnE2E, LinearTheoryMatchesSimulationToRoundOff) {
  testing::TempDir tmp;
  const auto r = run_netprobe("rnn theory --n 250 --epochs 20 --track-every 5 --out " + (tmp / "err.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = core::read_file(tmp / "err.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4);
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) EXPECT_LT(std::stod(line.substr(line.rfind(',') + 1)), 1e-12) << line;
}

TEST(RnnE2E, UsageErrorsWriteNothing) {
  testing::TempDir tmp;
  const std::string out = " --out " + (tmp / "run").string();
  for (const std::string& args : std::vector<std::string>{"rnn train --rank 0", "rnn train --n 2 --rank 3", "rnn train --dt 0",
                                                          "rnn train --dt -0.1", "rnn train --task copy",
                                                          "rnn train --activation relu", "rnn train --optimizer lbfgs",
                                                          "rnn train --eta 0", "rnn"}) {
    const auto r = run_netprobe(args + out);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
}  // namespace netprobe
