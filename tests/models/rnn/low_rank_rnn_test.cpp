// The low-rank RNN and its overlap-space theory (LOWRANK.md), float64.
#include "models/rnn/low_rank_rnn.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "models/rnn/overlap_theory.h"
#include "tests/support/test_support.h"
#include "train/trainer.h"

namespace netprobe::models {
namespace {

constexpr double kDt = 0.05;
constexpr int64_t kSteps = 400;  // T * dt = 20, the authors' filter task

LowRankRnn random_rnn(int64_t n, int64_t rank, uint64_t seed, RnnActivation act = RnnActivation::kLinear) {
  LowRankRnn rnn(LowRankRnnOptions(n, rank).activation(act).dt(kDt).steps(kSteps));
  auto gen = core::make_generator(seed);
  rnn->init_random(gen);
  return rnn;
}

// Full-N training through the shared trainer: full batch, rate eta*N on every vector.
// Returns Sigma before training and after each epoch.
std::vector<torch::Tensor> train_full_n(LowRankRnn& rnn, const RnnTaskData& task, double lr, int epochs,
                                        train::OptimizerKind kind) {
  train::Optimizer opt({{rnn->parameters(), 1.0}}, {kind, lr});
  train::TensorDataSource source(task.inputs, task.targets, 0, 0);
  const train::StepFn step = [&](const train::Batch& b) {
    train::StepOutput out;
    out.loss = rnn_loss(rnn->forward(b.inputs), task);
    return out;
  };
  train::TrainConfig config;
  config.epochs = epochs;
  config.schedule = train::LrScheduleKind::kConstant;
  config.progress = false;
  std::vector<torch::Tensor> sigmas = {overlap_matrix(rnn->vectors().detach())};
  train::fit(opt, source, step, config, nullptr,
             {[&](const core::Json&) { sigmas.push_back(overlap_matrix(rnn->vectors().detach())); }});
  return sigmas;
}

std::vector<torch::Tensor> exact_map(torch::Tensor sigma, const RnnTaskData& task, int64_t rank, double eta,
                                     int epochs) {
  std::vector<torch::Tensor> out = {sigma};
  for (int k = 0; k < epochs; ++k) {
    sigma = exact_map_step(sigma, overlap_gradient(sigma, task, {rank, RnnActivation::kLinear, kDt}), eta);
    out.push_back(sigma);
  }
  return out;
}

double max_relative_gap(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
    worst = std::max(worst, ((a[k] - b[k]).abs().max() / b[k].abs().max()).item<double>());
  }
  return worst;
}

TEST(LowRankRnnTest, StableParameterNamesShapesAndNormalizedInit) {
  LowRankRnn rnn = random_rnn(300, 2, 1);
  EXPECT_EQ(rnn->named_parameters().keys(), (std::vector<std::string>{"m", "U", "V", "z"}));
  EXPECT_EQ(rnn->U.sizes(), (std::vector<int64_t>{300, 2}));
  const torch::Tensor sigma = overlap_matrix(rnn->vectors());
  testing::expect_close(sigma.diagonal(), torch::ones({6}, torch::kFloat64), 1e-12, 1e-12);
}

TEST(LowRankRnnTest, InvalidOptionsAreUsageErrors) {
  EXPECT_THROW(LowRankRnn(LowRankRnnOptions(10, 0)), core::UsageError);
  EXPECT_THROW(LowRankRnn(LowRankRnnOptions(2, 3)), core::UsageError);
  EXPECT_THROW(LowRankRnn(LowRankRnnOptions(10, 1).dt(0)), core::UsageError);
  EXPECT_THROW(parse_rnn_activation("relu"), core::UsageError);
  EXPECT_EQ(to_string(parse_rnn_activation("erf_s")), "erf_s");
}

TEST(LowRankRnnTest, PrescribedOverlapsAreRealized) {
  const torch::Tensor s0 = torch::tensor(
      {{1.0, 0.3, 0.2, 0.1}, {0.3, 1.5, -0.2, 0.4}, {0.2, -0.2, 0.8, 0.0}, {0.1, 0.4, 0.0, 1.2}}, torch::kFloat64);
  LowRankRnn rnn(LowRankRnnOptions(200, 1));
  auto gen = core::make_generator(3);
  rnn->init_from_overlaps(s0, gen);
  testing::expect_close(overlap_matrix(rnn->vectors()), s0, 1e-12, 1e-12);
}

TEST(LowRankRnnTest, LinearNetworkOutputEqualsTheLatentModel) {
  for (int64_t rank : {1, 2}) {
    LowRankRnn rnn = random_rnn(250, rank, 5);
    const RnnTaskData task = filter_task(0.2, kDt, kSteps);
    const torch::Tensor y = rnn->forward(task.inputs).detach();
    const torch::Tensor latent =
        latent_outputs(overlap_matrix(rnn->vectors().detach()), task.inputs, {rank, RnnActivation::kLinear, kDt});
    testing::expect_close(y, latent, 1e-10, 1e-12);
  }
}

TEST(LowRankRnnTest, LinearOverlapGradientFromMinimalRealizationEqualsLatentAutograd) {
  for (int64_t rank : {1, 2}) {
    LowRankRnn rnn = random_rnn(300, rank, 11 + static_cast<uint64_t>(rank));
    const torch::Tensor sigma = overlap_matrix(rnn->vectors().detach());
    const RnnTaskData task = rank == 1 ? filter_task(0.2, kDt, kSteps) : oscillation_task(kDt, kSteps);
    double fast_loss = 0, latent_loss = 0;
    const torch::Tensor fast = overlap_gradient(sigma, task, {rank, RnnActivation::kLinear, kDt}, &fast_loss);
    const torch::Tensor slow = latent_overlap_gradient(sigma, task, {rank, RnnActivation::kLinear, kDt}, &latent_loss);
    EXPECT_LE((fast - slow).abs().max().item<double>(), 1e-11 * slow.abs().max().item<double>()) << "rank " << rank;
    EXPECT_NEAR(fast_loss, latent_loss, 1e-12 * latent_loss);
    EXPECT_GT(slow.abs().max().item<double>(), 1e-3);  // a real gradient, not two zeros
  }
}

TEST(LowRankRnnTest, LinearFullGradientDescentFollowsTheExactOverlapMap) {
  // LOWRANK.md: agreement to round-off at every N (an independent implementation saw <= 6e-14).
  for (int64_t n : {250, 2000}) {
    for (int64_t rank : {1, 2}) {
      LowRankRnn rnn = random_rnn(n, rank, 7);
      const RnnTaskData task = rank == 1 ? filter_task(0.2, kDt, kSteps) : oscillation_task(kDt, kSteps);
      const double eta = 5e-3;
      const torch::Tensor sigma0 = overlap_matrix(rnn->vectors().detach());
      const auto gd = train_full_n(rnn, task, eta * static_cast<double>(n), 15, train::OptimizerKind::kSgd);
      const double gap = max_relative_gap(gd, exact_map(sigma0, task, rank, eta, 15));
      EXPECT_LE(gap, 1e-10) << "N=" << n << " rank " << rank;
      EXPECT_GT((gd.back() - gd.front()).abs().max().item<double>(), 1e-4);  // training did move Sigma
    }
  }
}

TEST(LowRankRnnTest, EulerFlowGapToGradientDescentHalvesWithEta) {
  LowRankRnn rnn = random_rnn(250, 1, 9);
  const RnnTaskData task = filter_task(0.2, kDt, kSteps);
  const torch::Tensor sigma0 = overlap_matrix(rnn->vectors().detach());
  // Same learning time eta * epochs; the exact map stands in for GD (they agree to round-off).
  std::vector<double> gaps;
  for (auto [eta, epochs] : {std::pair{0.01, 10}, std::pair{0.005, 20}}) {
    const auto map = exact_map(sigma0, task, 1, eta, epochs);
    const torch::Tensor flow =
        integrate_flow(sigma0, task, {1, RnnActivation::kLinear, kDt}, eta, epochs, FlowMethod::kEuler);
    gaps.push_back(((flow[epochs] - map.back()).abs().max() / map.back().abs().max()).item<double>());
  }
  EXPECT_NEAR(gaps[0] / gaps[1], 2.0, 0.3) << gaps[0] << " vs " << gaps[1];
}

TEST(LowRankRnnTest, GradientFlowConservesTheInvariantsAndAdamDoesNot) {
  LowRankRnn rnn = random_rnn(250, 1, 11);
  const RnnTaskData task = filter_task(0.2, kDt, kSteps);
  const torch::Tensor sigma0 = overlap_matrix(rnn->vectors().detach());
  const torch::Tensor flow =
      integrate_flow(sigma0, task, {1, RnnActivation::kLinear, kDt}, 0.005, 10, FlowMethod::kRk4, 2);
  const torch::Tensor before = flow_invariants(sigma0, 1), after = flow_invariants(flow[10], 1);
  EXPECT_LE(((after - before).abs().max() / before.abs().max()).item<double>(), 1e-6);
  EXPECT_GT((flow[10] - sigma0).abs().max().item<double>(), 1e-3);  // while the overlaps move

  const auto adam = train_full_n(rnn, task, 1e-2, 10, train::OptimizerKind::kAdam);
  const torch::Tensor drift = flow_invariants(adam.back(), 1) - flow_invariants(adam.front(), 1);
  EXPECT_GT((drift.abs().max() / before.abs().max()).item<double>(), 1e-3);
}

TEST(LowRankRnnTest, VisibleMasksAndGains) {
  const torch::Tensor linear = visible_mask(1, RnnActivation::kLinear), tanh = visible_mask(1, RnnActivation::kTanh);
  EXPECT_EQ(linear.sum().item<double>(), 8);  // A-B block and its mirror
  EXPECT_EQ(tanh.sum().item<double>(), 12);   // plus the B-B block
  EXPECT_EQ(linear[0][0].item<double>(), 0);  // |z|^2 is invisible
  // erf_s gain exactly; tanh gain against direct numerical integration of <sech^2(sqrt(D) xi)>.
  const torch::Tensor d = torch::tensor({0.0, 0.5, 2.0}, torch::kFloat64);
  testing::expect_close(gain(RnnActivation::kErfS, d), (1 + M_PI * d / 2).pow(-0.5), 1e-14, 0);
  const torch::Tensor xi = torch::linspace(-12, 12, 200001, torch::kFloat64);
  const torch::Tensor density = torch::exp(-xi * xi / 2) / std::sqrt(2 * M_PI);
  for (double delta : {0.5, 2.0}) {
    const double direct =
        ((1 - torch::tanh(std::sqrt(delta) * xi).pow(2)) * density).sum().item<double>() * (24.0 / 200000);
    EXPECT_NEAR(gain(RnnActivation::kTanh, torch::tensor(delta, torch::kFloat64)).item<double>(), direct, 1e-10);
  }
  EXPECT_EQ(OverlapLayout{1}.entry_names().size(), 10u);
  EXPECT_EQ(OverlapLayout{2}.entry_names().size(), 21u);
  EXPECT_EQ(OverlapLayout{1}.entry_names()[2], "z.m");
}

}  // namespace
}  // namespace netprobe::models
