// Perturbation by learning (twins) and memory in invisible overlaps, on small fast networks.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/json_io.h"
#include "core/run_dir.h"
#include "core/seeding.h"
#include "experiments/rnn/memory.h"
#include "experiments/rnn/twins.h"
#include "models/rnn/twins.h"
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
  config.construction = models::TwinConstruction::kStretch;  // the authors' twin: the test below
  const TwinsResult stretched = run_rnn_twins(config, {});
  EXPECT_LE(stretched.output_gap, 1e-10);
  EXPECT_GT(stretched.max_curve_gap, 0.1);
  config.construction.reset();
  const TwinsResult r = run_rnn_twins(config, {});
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

models::AuthorsTwinChange shift_change(double u_norm_scale, double mu_shift) {
  models::AuthorsTwinChange change;
  change.u_norm_scale = u_norm_scale;
  change.mu_shift = mu_shift;
  return change;
}

TEST(RnnTwins, AuthorsTwinMovesUSquaredAndSigmaMuAndKeepsTheCrossBlock) {
  for (const int64_t rank : {1, 2}) {
    LowRankRnn rnn(LowRankRnnOptions(400, rank));
    auto gen = core::make_generator(3);
    rnn->init_random(gen);
    const torch::Tensor c = rnn->vectors().detach();
    for (const models::AuthorsTwinChange change :
         {shift_change(2.0, 0.3), shift_change(0.7, -0.1), shift_change(1.0, 0.2)}) {
      const torch::Tensor s0 = overlap_matrix(c), s1 = overlap_matrix(models::make_authors_twin(c, rank, change));
      const int64_t k = rank + 1;
      // Sigma_AB (z.m, z.u, v.m, v.u) kept; z and m themselves too.
      const torch::Tensor ab0 = s0.narrow(0, 0, k).narrow(1, k, k), ab1 = s1.narrow(0, 0, k).narrow(1, k, k);
      EXPECT_LE((ab1 - ab0).abs().max().item<double>(), 1e-12) << rank;
      EXPECT_NEAR(s1[0][0].item<double>(), s0[0][0].item<double>(), 1e-12);
      EXPECT_NEAR(s1[k][k].item<double>(), s0[k][k].item<double>(), 1e-12);
      for (int64_t j = 1; j <= rank; ++j) {  // exactly the requested |u_j|^2 and sigma_{m u_j}
        EXPECT_NEAR(s1[k + j][k + j].item<double>(), change.u_norm_scale * s0[k + j][k + j].item<double>(), 1e-12);
        EXPECT_NEAR(s1[k][k + j].item<double>(), s0[k][k + j].item<double>() + change.mu_shift, 1e-12);
      }
    }
    // A linear network and its authors' twin compute the same function.
    LowRankRnn twin(rnn->options());
    twin->set_vectors(models::make_authors_twin(c, rank, shift_change(2.0, 0.3)));
    const torch::Tensor x = torch::randn({3, 400}, gen, torch::kFloat64);
    torch::NoGradGuard no_grad;
    const torch::Tensor y0 = rnn->forward(x), y1 = twin->forward(x);
    EXPECT_LE(((y1 - y0).abs().max() / y0.abs().max()).item<double>(), 1e-12) << rank;
  }
  LowRankRnn rnn(LowRankRnnOptions(200, 1));
  auto gen = core::make_generator(5);
  rnn->init_random(gen);
  const torch::Tensor c = rnn->vectors().detach();
  EXPECT_THROW(models::make_authors_twin(c, 1, shift_change(0.01, 0.3)), core::UsageError);  // shift alone is longer
  EXPECT_THROW(models::make_authors_twin(c, 1, shift_change(1.0, 0.0)), core::UsageError);   // no change at all
  EXPECT_THROW(models::make_authors_twin(c, 1, shift_change(-1.0, 0.0)), core::UsageError);
}

TEST(RnnTwins, AuthorsTwinReachesTheirAbsoluteTargetsWithTheSameLinearOutput) {
  // The authors set sigma_mu to an absolute 0.8 and |u|^2/N to a value, on a trained network.
  for (const int64_t rank : {1, 2}) {
    RnnRunConfig config = small_config(RnnActivation::kLinear, 0.2);
    config.rank = rank;
    config.n = 300;
    config.epochs = 200;
    if (rank == 2) config.task = "oscillation";
    LowRankRnn rnn(config.rnn_options());
    train_rnn(config, rnn, false);
    const torch::Tensor c = rnn->vectors().detach();
    models::AuthorsTwinChange change;
    change.mu = 0.8;
    change.u_norm = 3.0;
    const torch::Tensor twin_vectors = models::make_authors_twin(c, rank, change);
    const torch::Tensor s0 = overlap_matrix(c), s1 = overlap_matrix(twin_vectors);
    const int64_t k = rank + 1;
    for (int64_t j = 1; j <= rank; ++j) {
      EXPECT_NEAR(s1[k][k + j].item<double>(), 0.8, 1e-12) << rank;      // sigma_{m u_j}
      EXPECT_NEAR(s1[k + j][k + j].item<double>(), 3.0, 1e-12) << rank;  // |u_j|^2 / N
      EXPECT_GT(std::abs(s0[k][k + j].item<double>() - 0.8), 0.1) << "the target must be a change";
    }
    const torch::Tensor ab0 = s0.narrow(0, 0, k).narrow(1, k, k), ab1 = s1.narrow(0, 0, k).narrow(1, k, k);
    EXPECT_LE((ab1 - ab0).abs().max().item<double>(), 1e-12) << rank;
    LowRankRnn twin(rnn->options());
    twin->set_vectors(twin_vectors);
    auto gen = core::make_generator(9);
    const torch::Tensor x = torch::randn({3, config.steps}, gen, torch::kFloat64);
    torch::NoGradGuard no_grad;
    const torch::Tensor y0 = rnn->forward(x), y1 = twin->forward(x);
    EXPECT_LE(((y1 - y0).abs().max() / y0.abs().max()).item<double>(), 1e-12) << rank;
  }
  // Through the experiment's config: the default authors' twin sets sigma_mu to 0.8.
  TwinsConfig config;
  EXPECT_EQ(config.mu_target, 0.8);
  LowRankRnn rnn(LowRankRnnOptions(200, 1));
  auto gen = core::make_generator(5);
  rnn->init_random(gen);
  const torch::Tensor twin = make_twin_of(config, rnn->vectors().detach(), gen);
  EXPECT_NEAR(overlap_matrix(twin)[2][3].item<double>(), 0.8, 1e-12);
  models::AuthorsTwinChange unreachable;
  unreachable.mu = 0.8;
  unreachable.u_norm = 0.1;  // |u|^2/N must exceed sigma_mu^2 / |m|^2 and more
  EXPECT_THROW(models::make_authors_twin(rnn->vectors().detach(), 1, unreachable), core::UsageError);
}

TEST(RnnTwins, DefaultConstructionIsTheAuthorsForLinearAndTheStretchForNonlinear) {
  TwinsConfig config;
  config.first = small_config(RnnActivation::kLinear, 0.2);
  EXPECT_EQ(config.construction_used(), models::TwinConstruction::kAuthors);
  config.first.activation = RnnActivation::kErfS;
  EXPECT_EQ(config.construction_used(), models::TwinConstruction::kStretch);
  config.construction = models::TwinConstruction::kAuthors;
  EXPECT_EQ(config.construction_used(), models::TwinConstruction::kAuthors);
  EXPECT_EQ(models::parse_twin_construction("stretch"), models::TwinConstruction::kStretch);
  EXPECT_THROW(models::parse_twin_construction("mirror"), core::UsageError);
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
  const auto runs = run_rnn_memory(config, {}).runs;
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].a().phase.epochs, 2 * runs[0].a().phase.epochs);  // same learning time at half the rate
  for (const auto& r : runs) {
    EXPECT_LT(r.a2().loss, 1e-10);                            // A is relearned completely...
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
  const MemoryRun fixed = run_rnn_memory(config, {}).runs[0];
  ASSERT_EQ(fixed.phases.size(), 3u);
  EXPECT_GT(fixed.phases[0].end_velocity, 1e-2);  // 100 epochs leave A far from settled
  config.converge = 1e-3;
  const MemoryRun settled = run_rnn_memory(config, {}).runs[0];
  EXPECT_TRUE(settled.converged);
  for (size_t p = 0; p < 3; ++p) {
    EXPECT_LT(settled.phases[p].end_velocity, config.converge) << p;
    EXPECT_LE(settled.phases[p].end_velocity_invisible, settled.phases[p].end_velocity) << p;
  }
  EXPECT_GT(settled.a().phase.epochs, 100);
  EXPECT_EQ((settled.a().phase.epochs - 100) % 10, 0);  // in chunks of a tenth of the phase
  EXPECT_LE(settled.a().phase.epochs, 2000);            // at most 20x
  EXPECT_EQ(settled.trajectory.back().epoch,
            settled.a().phase.epochs + settled.b().phase.epochs + settled.a2().phase.epochs);
  EXPECT_LT(settled.a().loss, fixed.a().loss);
  config.a.optimizer = train::OptimizerKind::kAdam;
  EXPECT_THROW(run_rnn_memory(config, {}), core::UsageError);
}

TEST(RnnMemory, PhasesParseAsWrittenAndBadOnesNameTheOption) {
  const auto phases = parse_memory_phases("A:3000,B:1000,A:1000:rate=2:noise=0.1");
  ASSERT_EQ(phases.size(), 3u);
  EXPECT_EQ(phases[1].task, 'B');
  EXPECT_EQ(phases[1].epochs, 1000);
  EXPECT_EQ(phases[2].rate, 2.0);
  EXPECT_EQ(phases[2].target_noise, 0.1);
  EXPECT_EQ(phases[0].rate, 1.0);
  EXPECT_EQ(phases[2].label(), "A:1000:rate=2:noise=0.1");
  for (const std::string bad : {"A:10", "C:10,A:10", "A:0,B:10", "A:10,B:1.5", "A:10,B:10:speed=2", "A:x,B:10",
                                "A:10,B:10:rate=0", "A:10,B:10:noise=-1", ""}) {
    try {
      parse_memory_phases(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const core::UsageError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--phases", 0), 0u) << e.what();
    }
  }
  MemoryConfig config;
  config.a = small_config(RnnActivation::kLinear, 0.2);
  config.b = small_config(RnnActivation::kLinear, 0.4);
  config.phases = parse_memory_phases("B:10,A:10");
  EXPECT_THROW(config.validate(), core::UsageError);  // the reference must be an A phase
}

TEST(RnnMemory, AnySequenceOfPhasesWithNoisyTargetsAtAnotherRate) {
  MemoryConfig config;
  config.a = small_config(RnnActivation::kLinear, 0.2);
  config.b = small_config(RnnActivation::kLinear, 0.4);
  config.a.n = config.b.n = 60;
  config.a.track_every = 5;
  config.etas = {0.005};
  config.phases = parse_memory_phases("A:40,B:20,A:20,B:20,A:20:rate=2:noise=0.1");
  const MemoryRun noisy = run_rnn_memory(config, {}).runs[0];
  ASSERT_EQ(noisy.phases.size(), 5u);
  EXPECT_EQ(noisy.trajectory.back().epoch, 120);
  EXPECT_EQ(noisy.a().phase.epochs, 40);
  EXPECT_EQ(noisy.b().phase.epochs, 20);
  EXPECT_TRUE(noisy.a2().sigma.equal(noisy.phases[4].sigma));
  EXPECT_TRUE(noisy.b().sigma.equal(noisy.phases[1].sigma));
  EXPECT_EQ(noisy.phases[0].invisible_distance, 0.0);
  EXPECT_DOUBLE_EQ(noisy.phases[4].invisible_distance, noisy.invisible_residual);
  EXPECT_GE(noisy.invisible_excursion, noisy.invisible_moved);  // the excursion includes B's end point
  // Seeded: the same run again is identical; without the noise (same rate) the last phase ends elsewhere,
  // and the four phases before it are untouched by the last one's noise.
  EXPECT_TRUE(run_rnn_memory(config, {}).runs[0].a2().sigma.equal(noisy.a2().sigma));
  config.phases = parse_memory_phases("A:40,B:20,A:20,B:20,A:20:rate=2");
  const MemoryRun clean = run_rnn_memory(config, {}).runs[0];
  EXPECT_TRUE(clean.phases[3].sigma.equal(noisy.phases[3].sigma));
  EXPECT_GT((clean.a2().sigma - noisy.a2().sigma).abs().max().item<double>(), 1e-6);
  // Twice the rate is twice the step: 20 epochs at rate 2 end where 40 epochs at rate 1 nearly do (O(eta)).
  config.phases = parse_memory_phases("A:40,B:20,A:20,B:20,A:40");
  const MemoryRun slow = run_rnn_memory(config, {}).runs[0];
  const double moved = (clean.a2().sigma - clean.phases[3].sigma).abs().max().item<double>();
  EXPECT_LT((slow.a2().sigma - clean.a2().sigma).abs().max().item<double>(), 0.1 * moved);
  // --converge extends the noise-free phases until they settle, never a noisy one (it cannot settle).
  config.converge = 1e-4;
  config.phases = parse_memory_phases("A:40,B:20,A:20:noise=0.1");
  const MemoryRun settled = run_rnn_memory(config, {}).runs[0];
  EXPECT_GT(settled.phases[0].phase.epochs, 40);
  EXPECT_EQ(settled.phases[2].phase.epochs, 20);
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
  const TwinsResult r = run_rnn_twins(config, {});
  const core::Json written = core::read_json(tmp / "twins" / "result.json");
  EXPECT_EQ(TwinsResult::from_json(written, "result.json").to_json().dump(), written.dump());
  EXPECT_EQ(written.at("twin").size(), r.twin.size());
  EXPECT_EQ(core::run_kind(tmp / "twins"), core::kind::kRnnTwins);
  config.out = tmp / "notes";
  std::filesystem::create_directories(config.out);
  core::write_json(config.out / "notes.json", {{"mine", true}});
  EXPECT_THROW(run_rnn_twins(config, {}), core::UsageError);
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
  const MemoryResult r = run_rnn_memory(config, {});
  const core::Json written = core::read_json(tmp / "memory" / "result.json");
  const MemoryResult back = MemoryResult::from_json(written, "result.json");
  EXPECT_EQ(back.to_json().dump(), written.dump());
  ASSERT_EQ(back.runs.size(), 1u);
  EXPECT_TRUE(back.runs[0].b().sigma.allclose(r.runs[0].b().sigma, 0, 1e-15));
  EXPECT_TRUE(back.runs[0].a2().sigma.allclose(r.runs[0].a2().sigma, 0, 1e-15));
}

}  // namespace
}  // namespace netprobe::experiments
