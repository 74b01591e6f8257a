// `netprobe rnn ...` as a user runs them (label e2e).
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/json_io.h"
#include "tests/support/test_support.h"

namespace netprobe {
namespace {

namespace fs = std::filesystem;
using testing::run_netprobe;

TEST(RnnE2E, TrainWritesWeightsOverlapTrajectoryAndMeta) {
  testing::TempDir tmp;
  const auto r =
      run_netprobe("rnn train --n 200 --epochs 30 --track-every 10 -q --threads 1 --out " + (tmp / "run").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = core::read_file(tmp / "run" / "overlaps.csv");
  EXPECT_EQ(csv.rfind("epoch,loss,|z|^2,z.v1,z.m,z.u1,", 0), 0u) << csv.substr(0, 80);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4);  // header, epochs 0, 10, 20, 30
  const core::Json meta = core::read_json(tmp / "run" / "meta.json");
  EXPECT_LT(meta["final_loss"].get<double>(), meta["initial_loss"].get<double>());
  EXPECT_TRUE(fs::exists(tmp / "run" / "weights.pt"));
}

// The flip-flop's defaults (tanh, eta, epochs: the README's stated result) at small N and short
// trials: the network leaves the initial saddle and holds the last pulse's sign.
TEST(RnnE2E, FlipFlopDefaultsLearnToHoldTheLastPulseOnFreshTrials) {
  testing::TempDir tmp;
  const auto r = run_netprobe("rnn train --task flipflop --n 200 --steps 600 --track-every 100 -q --threads 1 --out " +
                              (tmp / "ff").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json meta = core::read_json(tmp / "ff" / "meta.json");
  EXPECT_EQ(meta["config"]["activation"], "tanh");
  EXPECT_TRUE(meta["config"]["fresh_trials"].get<bool>());
  const auto& held_out = meta["held_out"];
  EXPECT_EQ(held_out["trials"], 200);
  EXPECT_LT(held_out["loss"].get<double>(), 0.05 * held_out["zero_output_loss"].get<double>()) << meta.dump();
  EXPECT_NE(r.out.find("held-out loss on 200 fresh trials"), std::string::npos) << r.out;
}

// The decision task's defaults (50 fresh trials an epoch, eta 0.1) at small N and half the
// epochs: the graded answer c / 16 is learned, most of the loss of a silent network is gone.
TEST(RnnE2E, DecisionDefaultsLearnTheGradedAnswer) {
  testing::TempDir tmp;
  const auto r =
      run_netprobe("rnn train --task decision --n 200 --epochs 1000 --track-every 500 -q --threads 1 --out " +
                   (tmp / "dec").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json meta = core::read_json(tmp / "dec" / "meta.json");
  EXPECT_EQ(meta["config"]["trials"], 50);
  const auto& held_out = meta["held_out"];
  EXPECT_LT(held_out["loss"].get<double>(), 0.25 * held_out["zero_output_loss"].get<double>()) << meta.dump();
}

TEST(RnnE2E, LinearTheoryMatchesSimulationToRoundOff) {
  testing::TempDir tmp;
  const auto r = run_netprobe("rnn theory -q --n 250 --epochs 20 --track-every 5 --out " + (tmp / "th").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = core::read_file(tmp / "th" / "theory.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4);
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) EXPECT_LT(std::stod(line.substr(line.rfind(',') + 1)), 1e-12) << line;
  const core::Json summary = core::read_json(tmp / "th" / "result.json");
  EXPECT_LT(summary["results"][0]["max_loss_error"].get<double>(), 1e-12);
  EXPECT_TRUE(fs::exists(tmp / "th" / "figures" / "theory_error.gp"));
}

TEST(RnnE2E, TrainFromPrescribedOverlapsInlineOrFromAFileAndReportTheInvariantsByName) {
  testing::TempDir tmp;
  const std::string sigma = "[[2, 0, 0.5, 0], [0, 1, 0, 0.3], [0.5, 0, 1, 0], [0, 0.3, 0, 1]]";
  core::write_file_atomic(tmp / "sigma0.json", sigma);
  for (const std::string& given :
       {(tmp / "sigma0.json").string(), std::string("'2,0,0.5,0;0,1,0,0.3;0.5,0,1,0;0,0.3,0,1'")}) {
    const fs::path out = tmp / ("run" + std::to_string(given.size()));
    const auto r = run_netprobe("rnn train -q --n 100 --epochs 4 --track-every 1 --init-overlaps " + given + " --out " +
                                out.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("drift of what gradient flow conserves (GD keeps it to O(eta^2) per step"), std::string::npos)
        << r.out;
    for (const char* name : {"VtV-UtU ", "spec(S Sigma) ", "|z|^2-|m|^2 "}) {
      EXPECT_NE(r.out.find(name), std::string::npos) << name << r.out;
    }
    std::istringstream csv(core::read_file(out / "overlaps.csv"));
    std::string header, first;
    std::getline(csv, header);
    std::getline(csv, first);
    EXPECT_EQ(header.substr(0, 30), "epoch,loss,|z|^2,z.v1,z.m,z.u1");
    // epoch 0: |z|^2 = 2, z.v1 = 0, z.m = 0.5 (to round-off: printed with full precision)
    std::vector<double> values;
    std::stringstream fields(first);
    for (std::string f; std::getline(fields, f, ',');) values.push_back(std::stod(f));
    ASSERT_GE(values.size(), 5u);
    EXPECT_NEAR(values[2], 2.0, 1e-12);
    EXPECT_NEAR(values[3], 0.0, 1e-12);
    EXPECT_NEAR(values[4], 0.5, 1e-12);
    EXPECT_TRUE(core::read_json(out / "meta.json")["invariant_drift"].contains("VtV-UtU"));
  }
  for (const char* bad : {"'1,2,x'", "'1,0;0,1'", "'2,0,3,0;0,1,0,0;3,0,1,0;0,0,0,1'"}) {
    const auto r = run_netprobe(std::string("rnn train -q --n 100 --epochs 2 --init-overlaps ") + bad + " --out " +
                                (tmp / "bad").string());
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--init-overlaps"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(tmp / "bad"));
}

TEST(RnnE2E, DecodeWritesItsTableAndFigureAndRefusesTooFewPairs) {
  testing::TempDir tmp;
  const auto r =
      run_netprobe("rnn decode -q --n 60 --pairs 4 --folds 2 --epochs-first 50 --epochs-c 200 --shuffles 4 --out " +
                   (tmp / "dec").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("held-out accuracy"), std::string::npos) << r.out;
  const std::string csv = core::read_file(tmp / "dec" / "decode.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "protocol,features,entries,accuracy,shuffled_mean,shuffled_sd");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);  // header, 3 feature sets x 2 protocols
  EXPECT_NE(csv.find("\nauthors,invisible,6,"), std::string::npos) << csv;
  EXPECT_TRUE(fs::exists(tmp / "dec" / "figures" / "decode.gp"));
  EXPECT_TRUE(fs::exists(tmp / "dec" / "figures" / "decode_authors.gp"));
  const auto bad = run_netprobe("rnn decode -q --pairs 2 --folds 4 --out " + (tmp / "bad").string());
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--pairs"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(tmp / "bad"));
}

TEST(RnnE2E, TwinsWriteCurvesThatAgreeBeforeAndDifferWhileLearning) {
  testing::TempDir tmp;
  const auto r = run_netprobe(
      "rnn twins -q --threads 1 --n 150 --steps 200 --dt 0.1 --pretrain-epochs 100 "
      "--epochs 200 --stretch 3 --out " +
      (tmp / "tw").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json s = core::read_json(tmp / "tw" / "result.json");
  EXPECT_LT(s["output_gap_before"].get<double>(), 1e-10);
  EXPECT_GT(s["max_loss_curve_gap"].get<double>(), 0.1);
  EXPECT_LT(s["max_theory_loss_error"].get<double>(), 1e-8);
  const std::string csv = core::read_file(tmp / "tw" / "twins.csv");
  EXPECT_EQ(csv.rfind("epoch,loss,loss_twin,theory,theory_twin\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 201);
  for (const char* f :
       {"overlaps_original.csv", "overlaps_twin.csv", "figures/twins_loss.gp", "figures/twins_loss.dat"}) {
    EXPECT_TRUE(fs::exists(tmp / "tw" / f)) << f;
  }
}

TEST(RnnE2E, TwinsOfAFlipFlopTakeItsNetworkDefaultsExceptWhatTheUserGives) {
  testing::TempDir tmp;
  const auto r = run_netprobe(
      "rnn twins -q --threads 1 --task-a flipflop --task-b flipflop --n 60 --steps 600 --pretrain-epochs 2 "
      "--epochs 2 --out " +
      (tmp / "tw").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json meta = core::read_json(tmp / "tw" / "meta.json");
  for (const char* task : {"task_a", "task_b"}) {
    const core::Json& c = meta.at(task);
    EXPECT_EQ(c.at("activation"), "tanh") << task;  // the flip-flop's defaults...
    EXPECT_EQ(c.at("dt").get<double>(), 0.025) << task;
    EXPECT_EQ(c.at("eta").get<double>(), 0.5) << task;
    EXPECT_EQ(c.at("trials").get<int64_t>(), 10) << task;
    EXPECT_EQ(c.at("n").get<int64_t>(), 60) << task;  // ...but what the user gave
    EXPECT_EQ(c.at("steps").get<int64_t>(), 600) << task;
  }
  EXPECT_EQ(meta.at("construction"), "stretch");  // the default twin of a nonlinear network
}

TEST(RnnE2E, MemoryReportsOneRowPerEta) {
  testing::TempDir tmp;
  const auto r = run_netprobe(
      "rnn memory -q --threads 1 --n 100 --steps 100 --dt 0.1 --epochs-a 200 --epochs-b 50 "
      "--epochs-a2 100 --etas 0.01,0.005 --track-every 50 --out " +
      (tmp / "mem").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = core::read_file(tmp / "mem" / "memory.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2);
  EXPECT_NE(r.out.find("residual ratio eta=0.01 / eta=0.005"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(tmp / "mem" / "trajectory_eta1.csv"));
  // Phase boundaries of the second run: 400 + 100 + 200 epochs at half the rate, every 100.
  const std::string traj = core::read_file(tmp / "mem" / "trajectory_eta1.csv");
  EXPECT_NE(traj.find("\n700,"), std::string::npos);
}

TEST(RnnE2E, ProbeATrainedRunAndRejectBadModelsAndScopes) {
  testing::TempDir tmp;
  const std::string run = (tmp / "run").string();
  ASSERT_EQ(run_netprobe("rnn train -q --threads 1 --n 100 --steps 100 --dt 0.1 --eta 0.01 --epochs 300 --out " + run)
                .exit_code,
            0);
  const auto r = run_netprobe("rnn probe --model " + run + " --out " + (tmp / "probe").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json s = core::read_json(tmp / "probe" / "result.json");
  ASSERT_EQ(s["scopes"].size(), 2u);
  EXPECT_EQ(s["scopes"][0]["scope"], "U+V");
  EXPECT_GT(s["scopes"][0]["full"].get<double>(), 99.0);
  const std::string csv = core::read_file(tmp / "probe" / "rows.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "task,seed,probe,variant,mode,scope,level,draw,variance_explained,loss,changed,total,zeros");
  EXPECT_TRUE(fs::exists(tmp / "probe" / "figures" / "rnn_prune.gp"));
  const std::string out = " --out " + (tmp / "bad").string();
  EXPECT_EQ(run_netprobe("rnn probe --model " + tmp.path().string() + out).exit_code, 2);
  EXPECT_EQ(run_netprobe("rnn probe --model " + run + " --scopes U+W" + out).exit_code, 2);
  EXPECT_FALSE(fs::exists(tmp / "bad"));
}

TEST(RnnE2E, EveryCommandRefusesAUsersFolderAndLeavesItIntact) {
  testing::TempDir tmp;
  const fs::path notes = tmp / "notes";
  fs::create_directories(notes);
  core::write_file_atomic(notes / "notes.txt", "mine");
  const std::string run = (tmp / "run").string();
  ASSERT_EQ(run_netprobe("rnn train -q --threads 1 --n 50 --steps 50 --epochs 5 --out " + run).exit_code, 0);
  for (const std::string& args : std::vector<std::string>{
           "rnn train --n 50 --steps 50 --epochs 5", "rnn theory --n 50 --steps 50 --epochs 5",
           "rnn twins --n 50 --steps 50 --epochs 5 --pretrain-epochs 5",
           "rnn memory --n 50 --steps 50 --epochs-a 5 --epochs-b 5 --epochs-a2 5", "rnn probe --model " + run,
           "train --classes 7,9 --epochs 1", "study --pairs 7-9 --seeds 1 --epochs 1"}) {
    const auto r = run_netprobe(args + " -q --threads 1 --out " + notes.string());
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(core::read_file(notes / "notes.txt"), "mine");
  EXPECT_EQ(std::distance(fs::directory_iterator(notes), fs::directory_iterator{}), 1);
  // A run directory of another kind is refused too.
  const auto other = run_netprobe("rnn theory -q --n 50 --steps 50 --epochs 5 --out " + run);
  EXPECT_EQ(other.exit_code, 2) << other.err;
}

TEST(RnnE2E, UsageErrorsWriteNothing) {
  testing::TempDir tmp;
  const std::string out = " --out " + (tmp / "run").string();
  for (const std::string& args :
       std::vector<std::string>{"rnn train --rank 0",
                                "rnn train --n 2 --rank 3",
                                "rnn train --dt 0",
                                "rnn train --dt -0.1",
                                "rnn train --task copy",
                                "rnn train --activation relu",
                                "rnn train --optimizer lbfgs",
                                "rnn train --eta 0",
                                "rnn",
                                "rnn twins --stretch 1 --mu-shift 0",
                                "rnn twins --construction mirror",
                                "rnn twins --task-b copy",
                                "rnn twins --optimizer adam",
                                "rnn memory --etas 0.01,-1",
                                "rnn memory --epochs-b 0",
                                "rnn train --task flipflop --trials 0",
                                "rnn train --task flipflop --steps 100",
                                "rnn train --task flipflop --task-preset netprobe-v1 --steps 400",
                                "rnn train --task-preset paper",
                                "rnn train --task flipflop --flipflop-gap 4",
                                "rnn train --task flipflop --flipflop-gap 10,4",
                                "rnn train --task decision --coherences 2,-8",
                                "rnn train --task decision --decision-periods 1,9",
                                "rnn train --task teacher --teacher-overlaps 1,2,3",
                                "rnn train --task flipflop --pulse-amplitude 0",
                                "rnn train --task decision --dt 0.05 --steps 220",
                                "rnn theory --optimizer adam"}) {
    const auto r = run_netprobe(args + out);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
}  // namespace netprobe
