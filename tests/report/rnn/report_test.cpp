// The figures of the `rnn` commands, drawn from the files their runs write.
#include "report/report.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "experiments/rnn/theory.h"
#include "tests/support/test_support.h"

namespace netprobe::report {
namespace {

namespace fs = std::filesystem;

TEST(RnnReportTest, DrawsTheFiguresOfRnnRunsFromTheirFiles) {
  testing::TempDir tmp;
  experiments::RnnRunConfig config;
  config.n = 60;
  config.steps = 50;
  config.epochs = 20;
  config.track_every = 5;
  experiments::run_rnn_train({config, tmp / "run"}, {});
  const ReportSummary run = write_report(tmp / "run");
  EXPECT_EQ(run.figures, 3);  // loss, overlaps, output against target
  EXPECT_TRUE(run.index.empty());
  EXPECT_EQ(run.render.rendered.size(), 3u);
  EXPECT_TRUE(fs::exists(tmp / "run" / "figures" / "overlaps.svg"));
  // The title names task, N, rank and activation; the output figure has the target of every
  // drawn trial, at times dt .. steps * dt.
  EXPECT_NE(core::read_file(tmp / "run" / "figures" / "loss.gp").find("filter c=0.2, N=60, R=1, linear: training loss"),
            std::string::npos);
  const std::string output = core::read_file(tmp / "run" / "figures" / "output_vs_target.dat");
  EXPECT_NE(output.find("# target (trial 0)\n0.05 "), std::string::npos) << output.substr(0, 200);
  EXPECT_NE(output.find("\n2.5 "), std::string::npos);  // t = 50 * 0.05

  experiments::TheoryConfig theory;
  theory.base = config;
  theory.sizes = {40, 60};
  theory.out = tmp / "theory";
  experiments::run_rnn_theory(theory, {});
  const ReportSummary t = write_report(tmp / "theory");
  EXPECT_EQ(t.figures, 2);  // the error per N, and the largest N's trajectory: GD against the prediction
  const std::string data = core::read_file(tmp / "theory" / "figures" / "theory_error.dat");
  EXPECT_NE(data.find("N = 40"), std::string::npos) << data;
  EXPECT_NE(data.find("N = 60"), std::string::npos) << data;
  const std::string trajectory = core::read_file(tmp / "theory" / "figures" / "trajectory.dat");
  EXPECT_NE(trajectory.find("# z.m\n"), std::string::npos) << trajectory.substr(0, 200);
  EXPECT_NE(trajectory.find("# GD (points)\n"), std::string::npos);
  EXPECT_NE(core::read_file(tmp / "theory" / "figures" / "trajectory.gp").find("at N = 60"), std::string::npos);

  // A nonlinear theory also draws the closure's first-step error against N.
  theory.base.activation = models::RnnActivation::kTanh;
  theory.base.epochs = 2;
  theory.out = tmp / "theory-tanh";
  experiments::run_rnn_theory(theory, {});
  EXPECT_EQ(write_report(tmp / "theory-tanh").figures, 3);
  const std::string closure = core::read_file(tmp / "theory-tanh" / "figures" / "closure_error.dat");
  EXPECT_NE(closure.find("\n40 "), std::string::npos) << closure;
  EXPECT_NE(closure.find("N^-1/2"), std::string::npos) << closure;
}

}  // namespace
}  // namespace netprobe::report
