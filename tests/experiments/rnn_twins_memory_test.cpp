// Perturbation by learning (twins) and memory in invisible overlaps, on small fast networks.
#include <gtest/gtest.h>

#include "models/rnn_twins.h"
#include "src/core/errors.h"
#include "src/core/json_io.h"
#include "src/core/run_dir.h"
#include "src/core/seeding.h"
#include "src/experiments/rnn_memory.h"
#include "src/experiments/rnn_twins.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {

using models::LowRankRnn;
using models::LowRankRnnOptions;
using models::make_twin;
using models::overlap_matrix;
using models::RnnActivation;
using models::visible_mask;
namespace {

RnnRunConfig small_config(RnnActivation activation, double decay) {
  RnnRunConfig c;
  c.n = 150;
  c.steps = 200;
  c.dt = 0.1;
  c.eta = 0.005;
  c.decay = decay;
  c.activation = activation;
  c.seed = 4;
  return c;
}

TEST(RnnTwins, LinearTwinComputesTheSameFunctionButLearnsDifferently) {
  TwinsConfig config;
  config.first = small_config(RnnActivation::kLinear, 0.2);
  config.second = small_config(RnnActivation::kLinear, 0.4);
  config.first.epochs = config.second.epochs = 300;
  config.pretrain_epochs = 200;
  const TwinsResult r = run_twins(config, false);
  EXPECT_LE(r.output_gap, 1e-10);
  EXPECT_LE(r.visible_change, 1e-12);
  EXPECT_GT(r.invisible_change, 0.1);
  EXPECT_GT(r.max_curve_gap, 0.1);     // loss curves differ by > 10% somewhere
  EXPECT_LE(r.theory_error, 1e-8);     // and the exact map predicts both
  ASSERT_EQ(r.original.size(), 301u);  // every epoch of B, plus the start
  EXPECT_NEAR(r.original.front().loss, r.twin.front().loss, 1e-10 * r.original.front().loss);
  EXPECT_TRUE(r.equivalent());
  EXPECT_EQ(format_twins(config, r).find("WARNING"), std::string::npos);
  // Twins that start from different functions are flagged (the nonlinear twins' 12-14 % gap).
  TwinsResult apart = r;
  apart.output_gap = 0.12;
  EXPECT_FALSE(apart.equivalent());
  EXPECT_NE(format_twins(config, apart).find("WARNING: not functionally equivalent twins"), std::string::npos);
  EXPECT_FALSE(apart.to_json()["equivalent"].get<bool>());
}

TEST(RnnTwins, NonlinearTwinKeepsTheWriteSideAndTheCrossBlockExactly) {
  LowRankRnn rnn(LowRankRnnOptions(300, 2).activation(RnnActivation::kTanh));
  auto gen = core::make_generator(1);
  rnn->init_random(gen);
  const torch::Tensor c = rnn->vectors().detach();
  const torch::Tensor twin = make_twin(c, 2, RnnActivation::kTanh, 3.0, gen);
  const torch::Tensor s0 = overlap_matrix(c), s1 = overlap_matrix(twin);
  const torch::Tensor visible = visible_mask(2, RnnActivation::kTanh);  // A-B and B-B blocks
  EXPECT_LE(((s1 - s0).abs() * visible).max().item<double>(), 1e-12);
  EXPECT_GT(((s1 - s0).abs() * (1 - visible)).max().item<double>(), 0.1);
  EXPECT_THROW(make_twin(c, 2, RnnActivation::kTanh, 1.0, gen), core::UsageError);
}

TEST(RnnMemory, LinearInvisibleResidualHalvesWithEta) {
  MemoryConfig config;
  config.a = small_config(RnnActivation::kLinear, 0.2);
  config.b = small_config(RnnActivation::kLinear, 0.4);
  config.a.n = config.b.n = 100;
  config.a.track_every = 100;
  config.epochs_a = 1000;
  config.epochs_b = 300;
  config.epochs_a2 = 1000;
  config.etas = {0.005, 0.0025};
  // Each phase trained until its overlaps settle: an unconverged phase A leaves a residual that
  // does not shrink with eta (2.2e-4 at every eta <= 0.0025 here after 1000 epochs).
  config.converge = 1e-5;
  const auto runs = run_memory(config, false).runs;
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].epochs_a, 2 * runs[0].epochs_a);  // same learning time at half the rate
  for (const auto& r : runs) {
    EXPECT_LT(r.loss_a2, 1e-10);                              // A is relearned completely...
    EXPECT_GT(r.loss_a_after_b, 0.1);                         // ...after B had destroyed it
    EXPECT_GT(r.invisible_moved, 10 * r.invisible_residual);  // B moved the invisible overlaps
  }
  const double ratio = runs[0].invisible_residual / runs[1].invisible_residual;
  EXPECT_GT(ratio, 1.7);
  EXPECT_LT(ratio, 3.0);
}

TEST(RnnMemory, WithConvergeEveryPhaseTrainsOnUntilItsOverlapsSettle) {
  MemoryConfig config;
  config.a = small_config(RnnActivation::kLinear, 0.2);
  config.b = small_config(RnnActivation::kLinear, 0.4);
  config.a.n = config.b.n = 100;
  config.a.track_every = 10;
  config.epochs_a = 100;
  config.epochs_b = 100;
  config.epochs_a2 = 100;
  config.etas = {0.005};
  const MemoryRun fixed = run_memory(config, false).runs[0];
  ASSERT_EQ(fixed.end_velocity.size(), 3u);
  EXPECT_GT(fixed.end_velocity[0], 1e-2);  // 100 epochs leave A far from settled
  config.converge = 1e-3;
  const MemoryRun settled = run_memory(config, false).runs[0];
  EXPECT_TRUE(settled.converged);
  for (size_t p = 0; p < 3; ++p) {
    EXPECT_LT(settled.end_velocity[p], config.converge) << p;
    EXPECT_LE(settled.end_velocity_invisible[p], settled.end_velocity[p]) << p;
  }
  EXPECT_GT(settled.epochs_a, 100);
  EXPECT_EQ((settled.epochs_a - 100) % 10, 0);  // in chunks of a tenth of the phase
  EXPECT_LE(settled.epochs_a, 2000);            // at most 20x
  EXPECT_EQ(settled.trajectory.back().epoch, settled.epochs_a + settled.epochs_b + settled.epochs_a2);
  EXPECT_LT(settled.loss_a, fixed.loss_a);
  config.a.optimizer = train::OptimizerKind::kAdam;
  EXPECT_THROW(run_memory(config, false), core::UsageError);
}

TEST(RnnTwins, WrittenResultReadsBackAndAUsersFolderIsRefused) {
  testing::TempDir tmp;
  TwinsConfig config;
  config.first = small_config(RnnActivation::kLinear, 0.2);
  config.second = small_config(RnnActivation::kLinear, 0.4);
  config.first.n = config.second.n = 60;
  config.first.epochs = config.second.epochs = 20;
  config.pretrain_epochs = 20;
  config.out = tmp / "twins";
  const TwinsResult r = run_twins(config, false);
  const core::Json written = core::read_json(tmp / "twins" / "result.json");
  EXPECT_EQ(TwinsResult::from_json(written, "result.json").to_json().dump(), written.dump());
  EXPECT_EQ(written.at("twin").size(), r.twin.size());
  EXPECT_EQ(core::run_kind(tmp / "twins"), core::kind::kRnnTwins);
  config.out = tmp / "notes";
  std::filesystem::create_directories(config.out);
  core::write_json(config.out / "notes.json", {{"mine", true}});
  EXPECT_THROW(run_twins(config, false), core::UsageError);
  EXPECT_TRUE(std::filesystem::exists(config.out / "notes.json"));
}

TEST(RnnMemory, WrittenResultReadsBackWithThePhaseEndOverlaps) {
  testing::TempDir tmp;
  MemoryConfig config;
  config.a = small_config(RnnActivation::kLinear, 0.2);
  config.b = small_config(RnnActivation::kLinear, 0.4);
  config.a.n = config.b.n = 60;
  config.a.track_every = 7;
  config.epochs_a = 30;
  config.epochs_b = 20;
  config.epochs_a2 = 10;
  config.etas = {0.005};
  config.out = tmp / "memory";
  const MemoryResult r = run_memory(config, false);
  const core::Json written = core::read_json(tmp / "memory" / "result.json");
  const MemoryResult back = MemoryResult::from_json(written, "result.json");
  EXPECT_EQ(back.to_json().dump(), written.dump());
  ASSERT_EQ(back.runs.size(), 1u);
  EXPECT_TRUE(back.runs[0].sigma_b.allclose(r.runs[0].sigma_b, 0, 1e-15));
  EXPECT_TRUE(back.runs[0].sigma_a2.allclose(r.runs[0].sigma_a2, 0, 1e-15));
}

}  // namespace
}  // namespace netprobe::experiments
