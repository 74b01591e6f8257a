// `rnn theory` as an experiment: the linear theory matches full-N GD to round-off, and the
// result directory reads back.
#include "experiments/rnn/theory.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/json_io.h"
#include "core/run_dir.h"
#include "experiments/rnn/task_params.h"
#include "models/rnn/overlap_theory.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

TheoryConfig small_theory(const std::filesystem::path& out) {
  TheoryConfig c;
  c.base.steps = 80;
  c.base.dt = 0.1;
  c.base.epochs = 30;
  c.base.track_every = 10;
  c.sizes = {80, 160};
  c.out = out;
  return c;
}

TEST(RnnTheory, LinearPredictionMatchesSimulationAndTheResultReadsBack) {
  testing::TempDir tmp;
  const TheoryResult r = run_rnn_theory(small_theory(tmp / "theory"), {});
  ASSERT_EQ(r.comparisons.size(), 2u);
  for (const auto& c : r.comparisons) {
    EXPECT_LT(c.max_overlap_error, 1e-10) << c.n;
    EXPECT_LT(c.max_loss_error, 1e-10) << c.n;
    EXPECT_EQ(c.epochs, (std::vector<int>{10, 20, 30}));
  }
  const std::string csv = core::read_file(tmp / "theory" / "theory.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 3);
  // Every trajectory beside GD's: per N, gd, map, euler, rk4 and (linear, filter) the visible-block
  // flows balanced and plain, at epochs 0, 10, 20, 30.
  const std::string trajectories = core::read_file(tmp / "theory" / "trajectories.csv");
  EXPECT_EQ(std::count(trajectories.begin(), trajectories.end(), '\n'), 1 + 2 * 6 * 4);
  EXPECT_EQ(trajectories.rfind("n,source,epoch,loss,|z|^2,", 0), 0u) << trajectories.substr(0, 80);
  EXPECT_NE(trajectories.find("\n160,rk4,30,"), std::string::npos);
  for (const auto& c : r.comparisons) {
    ASSERT_EQ(c.predicted.size(), 5u);
    EXPECT_TRUE(c.predicted.count("balanced") && c.predicted.count("plain"));
    EXPECT_TRUE(std::isfinite(c.balanced_flow_error) && std::isfinite(c.plain_flow_error));
    ASSERT_EQ(c.gd.size(), 4u);
    double map_gap = 0, euler_gap = 0;
    for (size_t k = 0; k < c.gd.size(); ++k) {
      map_gap = std::max(map_gap, (c.predicted.at("map")[k].sigma - c.gd[k].sigma).abs().max().item<double>());
      euler_gap = std::max(euler_gap, (c.predicted.at("euler")[k].sigma - c.gd[k].sigma).abs().max().item<double>());
    }
    EXPECT_LT(map_gap, 1e-10);   // linear phi: the map is GD
    EXPECT_GT(euler_gap, 1e-8);  // the flow is O(eta) away
  }
  const core::Json written = core::read_json(tmp / "theory" / "result.json");
  EXPECT_EQ(TheoryResult::from_json(written, "result.json").to_json().dump(), written.dump());
  EXPECT_EQ(core::run_kind(tmp / "theory"), core::kind::kRnnTheory);
}

TEST(RnnTheory, RandomTasksDrawFreshTrialsEachEpochAndTheTheoryStepsOnTheSameTrials) {
  RnnRunConfig c;
  c.task = "flipflop";
  c.n = 60;
  c.dt = 0.05;
  c.steps = 260;  // 13 time units: room for one pulse
  c.trials = 3;
  c.eta = 0.02;
  c.epochs = 6;
  c.track_every = 1;
  c.validate();
  EXPECT_FALSE(c.task_data(1).inputs.equal(c.task_data(2).inputs));
  EXPECT_TRUE(c.task_data(1).inputs.equal(c.task_data(1).inputs));
  EXPECT_EQ(c.held_out_task().inputs.size(0), 200);
  RnnRunConfig fixed = c;
  fixed.fresh_trials = false;
  EXPECT_TRUE(fixed.task_data(1).inputs.equal(fixed.task_data(2).inputs));
  RnnRunConfig filter = c;
  filter.task = "filter";
  EXPECT_TRUE(filter.task_data(1).inputs.equal(filter.task_data(2).inputs));

  // Linear phi: the exact map is GD on whatever trials each step sees, so the prediction matches
  // to round-off only if it steps on the run's own fresh trials; on epoch 0's trials throughout it does not.
  const TheoryComparison fresh = compare_with_theory(c, models::Integrator::kMap, false);
  EXPECT_LT(fresh.max_overlap_error, 1e-10);
  EXPECT_LT(fresh.max_loss_error, 1e-10);
  models::LowRankRnn rnn(c.rnn_options());
  const auto sim = train_rnn(c, rnn, false);
  const auto stale = theory_trajectory(sim.front().sigma, c.task_data(), fixed);
  EXPECT_GT((stale.back().sigma - sim.back().sigma).abs().max().item<double>(), 1e-6);

  // A run continued in chunks (as rnn memory --converge does) sees the same trials as one run.
  models::LowRankRnn chunked = init_rnn(c);
  RnnRunConfig half = c;
  half.epochs = 3;
  train_rnn_on(chunked, c.task_data(), half, false);
  const auto second = train_rnn_on(chunked, c.task_data(), half, false, /*first_epoch=*/3);
  EXPECT_LT((second.back().sigma - sim.back().sigma).abs().max().item<double>(), 1e-12);
}

// overlaps.csv's row k: the overlaps after k updates and the loss of those same parameters (the
// loss an epoch reports is of its parameters before its update, which row k - 1 needs). For
// linear phi the latent model's loss at a row's overlaps is the network's loss, so every row,
// of training and of the theory, must carry the loss at its own overlaps, on its epoch's trials.
TEST(RnnTheory, EveryRecordCarriesTheLossOfItsOwnOverlaps) {
  RnnRunConfig c;
  c.task = "flipflop";
  c.n = 60;
  c.dt = 0.05;
  c.steps = 260;
  c.trials = 3;
  c.eta = 0.05;
  c.epochs = 5;
  c.track_every = 2;
  c.validate();
  models::LowRankRnn rnn = init_rnn(c);
  const auto sim = train_rnn_on(rnn, c.task_data(), c, false);
  const auto theory = theory_trajectory(sim.front().sigma, c.task_data(), c, models::Integrator::kMap);
  for (const auto* records : {&sim, &theory}) {
    ASSERT_EQ(records->size(), 4u);  // epochs 0, 2, 4 and the last, 5
    for (const auto& r : *records) {
      double loss = 0;
      models::overlap_gradient(r.sigma, r.epoch == 0 ? c.task_data() : c.task_data(r.epoch), c.dynamics(), &loss);
      EXPECT_NEAR(r.loss, loss, 1e-10 * loss) << "epoch " << r.epoch;
    }
  }
  EXPECT_EQ(sim.back().epoch, 5);
  EXPECT_LT(sim.back().loss, sim.front().loss);  // GD lowered it: rows 0 and 1 no longer repeat one value
}

TEST(RnnTheory, LinearInvariantsByNameAndAFirstStepExactToRoundOff) {
  const TheoryResult r = run_rnn_theory(small_theory({}), {});
  for (const auto& c : r.comparisons) {
    EXPECT_LT(c.first_step_error, 1e-10) << c.n;
    ASSERT_EQ(c.sim_invariant_drift.size(), 3u);
    EXPECT_EQ(c.sim_invariant_drift[0].first, "spec(S Sigma)");
    EXPECT_EQ(c.sim_invariant_drift[1].first, "VtV-UtU");
    EXPECT_EQ(c.sim_invariant_drift[2].first, "|z|^2-|m|^2");
    // The map is GD to round-off, so it drifts exactly as GD does (GD keeps them to O(eta^2)).
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(c.theory_invariant_drift[i].second, c.sim_invariant_drift[i].second, 1e-10);
      EXPECT_LT(c.sim_invariant_drift[i].second, 1e-2);
    }
  }
  EXPECT_NE(theory_table_header(models::RnnActivation::kLinear).find("drift |z|^2-|m|^2 (GD/pred)"), std::string::npos);
  EXPECT_EQ(theory_table_header(models::RnnActivation::kTanh).find("|z|^2-|m|^2"), std::string::npos);
}

TEST(RnnTheory, TheFlowConservesWhatGdOnlyNearlyConservesAndDiffersFromGdByOrderEta) {
  TheoryConfig c = small_theory({});
  c.sizes = {120};
  c.integrator = models::Integrator::kRk4;
  const TheoryComparison rk4 = run_rnn_theory(c, {}).comparisons[0];
  for (size_t i = 0; i < rk4.theory_invariant_drift.size(); ++i) {
    EXPECT_LT(rk4.theory_invariant_drift[i].second, 1e-8) << rk4.theory_invariant_drift[i].first;
  }
  EXPECT_GT(rk4.sim_invariant_drift[0].second, 1e-6);  // GD moves the spectrum at O(eta^2) per step
  // The same learning time eta * epochs at half the rate: the flow-GD gap halves (O(eta)).
  std::vector<double> gaps;
  for (auto [eta, epochs] : {std::pair{0.01, 15}, std::pair{0.005, 30}}) {
    c.base.eta = eta;
    c.base.epochs = epochs;
    c.base.track_every = epochs;
    gaps.push_back(run_rnn_theory(c, {}).comparisons[0].max_overlap_error);
  }
  EXPECT_GT(gaps[0], 1e-5);
  EXPECT_NEAR(gaps[0] / gaps[1], 2.0, 0.3) << gaps[0] << " vs " << gaps[1];
  EXPECT_THROW(models::parse_integrator("leapfrog"), core::UsageError);
  EXPECT_EQ(models::parse_integrator(models::to_string(models::Integrator::kEuler)), models::Integrator::kEuler);
}

// The flip-flop's errors as measured (N 250, 1000, 4000): they flatten, and no exponent is
// printed; errors on one power law are called one.
TEST(RnnTheory, AClosureErrorThatFlattensIsNotReportedAsAPowerLaw) {
  const auto comparisons = [](std::vector<std::pair<int64_t, double>> points) {
    std::vector<TheoryComparison> out;
    for (auto [n, e] : points) {
      out.emplace_back();
      out.back().n = n;
      out.back().first_step_error = e;
    }
    return out;
  };
  TheoryResult flat;
  flat.base.activation = models::RnnActivation::kTanh;
  flat.comparisons = comparisons({{4000, 7.6e-4}, {250, 3.4e-3}, {1000, 7.7e-4}});  // any order
  const ClosureErrorFit f = fit_first_step_error(flat.comparisons);
  EXPECT_EQ(f.n, (std::vector<int64_t>{250, 1000, 4000}));
  ASSERT_EQ(f.local_slopes.size(), 2u);
  EXPECT_NEAR(f.local_slopes[1], std::log(7.6 / 7.7) / std::log(4.0), 1e-12);
  EXPECT_FALSE(f.power_law);
  const std::string line = format_theory_slope(flat);
  EXPECT_NE(line.find("N 1000: 7.70e-04"), std::string::npos) << line;
  EXPECT_NE(line.find("not a power law"), std::string::npos) << line;

  TheoryResult clean = flat;
  clean.comparisons = comparisons({{250, 1.6e-2}, {1000, 8.1e-3}, {4000, 3.9e-3}, {16000, 2.0e-3}});
  const ClosureErrorFit g = fit_first_step_error(clean.comparisons);
  EXPECT_TRUE(g.power_law);
  EXPECT_NEAR(g.slope, -0.5, 0.02);
  EXPECT_NE(format_theory_slope(clean).find("a power law: ~ N^-0.50"), std::string::npos) << format_theory_slope(clean);
  clean.base.activation = models::RnnActivation::kLinear;  // exact: nothing to fit
  EXPECT_EQ(format_theory_slope(clean), "");
}

TEST(RnnTheory, TheClosuresFirstStepErrorFallsWithNAndOnlyVtVMinusUtUIsConservedForTanh) {
  TheoryConfig c = small_theory({});
  c.base.activation = models::RnnActivation::kTanh;
  c.base.epochs = 2;
  c.base.track_every = 1;
  c.sizes = {200, 3200};
  const TheoryResult r = run_rnn_theory(c, {});
  // At N^-1/2 the error falls 4x over 16x the neurons; finite-size noise allows 2x to 8x.
  const double small = r.comparisons[0].first_step_error, large = r.comparisons[1].first_step_error;
  EXPECT_GT(small, 1e-4);
  EXPECT_GT(small / large, 2.0) << small << " vs " << large;
  EXPECT_LT(small / large, 8.0) << small << " vs " << large;
  const ClosureErrorFit fit = fit_first_step_error(r.comparisons);
  EXPECT_NEAR(fit.slope, -0.5, 0.25);
  EXPECT_FALSE(fit.power_law);  // two sizes cannot show one
  EXPECT_NE(format_theory_slope(r).find("two sizes cannot show a power law"), std::string::npos);
  ASSERT_EQ(r.comparisons[0].sim_invariant_drift.size(), 1u);
  EXPECT_EQ(r.comparisons[0].sim_invariant_drift[0].first, "VtV-UtU");
  const core::Json j = r.to_json();
  EXPECT_EQ(TheoryResult::from_json(j, "r").to_json().dump(), j.dump());
}

TEST(RnnRunConfigJson, TaskParametersTargetNoiseAndBalancedStartReadBackAndOldRunsReadAsNetprobeV1) {
  RnnRunConfig c;
  c.task = "decision";
  c.n = 60;
  c.task_params.decision.coherences = {2, 8, 16};
  c.task_params.decision.input_noise = 0.05;
  c.task_params.flipflop.first_pulse.reset();
  c.task_params.teacher.overlaps = {2, 2, 0, 1, 2, 6, 1, 2, 0, 1, 1, 0, 1, 2, 0, 1};
  c.target_noise = 0.1;
  c.balanced_init = true;
  const core::Json j = c.to_json();
  const RnnRunConfig back = RnnRunConfig::from_json(j, "config.json");
  EXPECT_EQ(back.to_json().dump(), j.dump());
  EXPECT_EQ(back.task_params.decision.coherences, (std::vector<double>{2, 8, 16}));
  EXPECT_FALSE(back.task_params.flipflop.first_pulse.has_value());
  EXPECT_TRUE(back.balanced_init);
  EXPECT_EQ(back.target_noise, 0.1);
  // A config written before the task parameters: the definitions it was trained with.
  core::Json old = j;
  old.erase("task_params");
  old.erase("target_noise");
  old.erase("balanced_init");
  const RnnRunConfig v1 = RnnRunConfig::from_json(old, "config.json");
  EXPECT_EQ(task_params_to_json(v1.task_params).dump(),
            task_params_to_json(models::RnnTaskParams::netprobe_v1()).dump());
  EXPECT_EQ(v1.target_noise, 0.0);
  EXPECT_FALSE(v1.balanced_init);
  // A corrupt task_params names the file.
  core::Json bad = j;
  bad["task_params"]["decision"]["periods"] = {1, 9};
  EXPECT_THROW(RnnRunConfig::from_json(bad, "config.json"), core::Error);
  c.init_overlaps = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  EXPECT_THROW(c.validate(), core::UsageError);  // a balanced start and prescribed overlaps
}

TEST(RnnTheory, APrescribedInitialOverlapMatrixIsRealizedExactlyAndChecked) {
  RnnRunConfig c = small_theory({}).base;
  c.n = 50;
  // z, v, m, u: |z|^2 = 2, z.m = 0.5, v.u = 0.3, the rest orthogonal unit vectors.
  c.init_overlaps = {2, 0, 0.5, 0, 0, 1, 0, 0.3, 0.5, 0, 1, 0, 0, 0.3, 0, 1};
  c.validate();
  const models::LowRankRnn rnn = init_rnn(c);
  const torch::Tensor sigma = models::overlap_matrix(rnn->vectors().detach());
  testing::expect_close(sigma, c.init_overlap_matrix(), 0, 1e-12);
  EXPECT_EQ(RnnRunConfig::from_json(c.to_json(), "c").init_overlaps, c.init_overlaps);
  EXPECT_FALSE(RnnRunConfig().to_json().contains("init_overlaps"));  // random init: the JSON of before

  const auto refused = [&](std::vector<double> values, int64_t n, const std::string& expected) {
    RnnRunConfig bad = c;
    bad.init_overlaps = std::move(values);
    bad.n = n;
    const std::string message = testing::error_of([&] { bad.validate(); });
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_THROW(bad.validate(), core::UsageError);
  };
  refused({1, 0, 0, 1}, 50, "--init-overlaps: a rank-1 network needs a 4x4 matrix (16 numbers), got 4");
  std::vector<double> asymmetric = c.init_overlaps;
  asymmetric[1] = 0.2;
  refused(asymmetric, 50, "--init-overlaps: not symmetric");
  std::vector<double> indefinite = c.init_overlaps;
  indefinite[2] = indefinite[8] = 3;  // |z.m| > |z| |m|
  refused(indefinite, 50, "--init-overlaps: not positive definite");
  refused(c.init_overlaps, 3, "--n: need N >= 4");
}

TEST(RnnTheory, AdamNoSizesAndAUsersFolderAreRefusedBeforeAnyWork) {
  testing::TempDir tmp;
  TheoryConfig c = small_theory(tmp / "t");
  c.base.optimizer = train::OptimizerKind::kAdam;
  EXPECT_THROW(run_rnn_theory(c, {}), core::UsageError);
  c = small_theory(tmp / "t");
  c.sizes.clear();
  EXPECT_THROW(run_rnn_theory(c, {}), core::UsageError);
  c = small_theory(tmp / "t");
  c.sizes = {80, 0};
  EXPECT_THROW(run_rnn_theory(c, {}), core::UsageError);
  std::filesystem::create_directories(tmp / "notes");
  core::write_file_atomic(tmp / "notes" / "a.txt", "mine");
  c = small_theory(tmp / "notes");
  int sizes_done = 0;
  EXPECT_THROW(run_rnn_theory(c, {}, [&](const TheoryComparison&) { ++sizes_done; }), core::UsageError);
  EXPECT_EQ(sizes_done, 0);
  EXPECT_FALSE(std::filesystem::exists(tmp / "t"));
}

}  // namespace
}  // namespace netprobe::experiments
