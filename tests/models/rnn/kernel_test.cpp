// The fused RNN kernel against the step-by-step LibTorch recurrence: outputs and every
// parameter gradient, for each activation, rank 1 and 2, and a batch of different inputs.
#include "models/rnn/kernel.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "models/rnn/overlap_theory.h"
#include "models/rnn/tasks.h"
#include "tests/support/test_support.h"

namespace netprobe::models {
namespace {

struct KernelCase {
  RnnActivation activation;
  int64_t rank;
};

class FusedKernel : public ::testing::TestWithParam<KernelCase> {};

TEST_P(FusedKernel, MatchesEagerRecurrenceInValueAndGradient) {
  const auto [activation, rank] = GetParam();
  LowRankRnn rnn(LowRankRnnOptions(60, rank).activation(activation).dt(0.1).steps(50));
  auto gen = core::make_generator(7);
  rnn->init_random(gen);
  {
    torch::NoGradGuard no_grad;  // strong recurrence so the nonlinearity matters
    rnn->U.mul_(3.0);
  }
  const torch::Tensor x = torch::randn({5, 50}, gen, torch::kFloat64);
  const torch::Tensor target = torch::randn({5, 50}, gen, torch::kFloat64);

  auto loss_and_grads = [&](bool fused) {
    rnn->zero_grad();
    const torch::Tensor y = fused ? rnn->forward(x) : rnn->forward_eager(x);
    const torch::Tensor loss = rnn_loss(y, target, torch::full_like(target, 0.1));
    loss.backward();
    std::vector<torch::Tensor> out = {y.detach().clone()};
    for (const auto& p : rnn->parameters()) out.push_back(p.grad().clone());
    return out;
  };
  const auto fused = loss_and_grads(true);
  const auto eager = loss_and_grads(false);
  ASSERT_EQ(fused.size(), 5u);
  for (size_t i = 0; i < fused.size(); ++i) {
    const double scale = eager[i].abs().max().item<double>();
    ASSERT_GT(scale, 0) << "entry " << i << " is identically zero: the comparison would be vacuous";
    EXPECT_LE((fused[i] - eager[i]).abs().max().item<double>(), 1e-12 * scale) << "entry " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Activations, FusedKernel,
                         ::testing::Values(KernelCase{RnnActivation::kLinear, 1}, KernelCase{RnnActivation::kLinear, 2},
                                           KernelCase{RnnActivation::kTanh, 1}, KernelCase{RnnActivation::kTanh, 2},
                                           KernelCase{RnnActivation::kErfS, 2}));

// The authors' readouts: an impulse x_0 = 1/dt puts h_1 = m. Linear phi reads after the update
// (y_0 = z.m / N), tanh and erf_s before it (y_0 = z.phi(h_0) / N = 0, y_1 = z.phi(m) / N); the
// latent model reads the same states.
TEST(FusedKernel, ReadoutFollowsTheAuthorsConventionPerActivation) {
  for (const RnnActivation activation : {RnnActivation::kLinear, RnnActivation::kTanh, RnnActivation::kErfS}) {
    LowRankRnn rnn(LowRankRnnOptions(80, 1).activation(activation).dt(0.1).steps(5));
    auto gen = core::make_generator(9);
    rnn->init_random(gen);
    torch::Tensor x = torch::zeros({1, 5}, torch::kFloat64);
    x[0][0] = 10.0;
    torch::NoGradGuard no_grad;
    const torch::Tensor y = rnn->forward(x);
    const torch::Tensor read_m = rnn_activation(activation, rnn->m).dot(rnn->z) / 80.0;
    const torch::Tensor latent = latent_outputs(overlap_matrix(rnn->vectors()), x, {1, activation, 0.1});
    if (activation == RnnActivation::kLinear) {
      EXPECT_EQ(readout_lag(activation), 1);
      EXPECT_NEAR(y[0][0].item<double>(), read_m.item<double>(), 1e-14);
      EXPECT_NEAR(latent[0][0].item<double>(), read_m.item<double>(), 1e-14);
    } else {
      EXPECT_EQ(readout_lag(activation), 0);
      EXPECT_EQ(y[0][0].item<double>(), 0.0);
      EXPECT_EQ(latent[0][0].item<double>(), 0.0);
      EXPECT_NEAR(y[0][1].item<double>(), read_m.item<double>(), 1e-14);
      EXPECT_GT(std::abs(read_m.item<double>()), 1e-3);
    }
  }
}

TEST(FusedKernel, SameResultOnOneAndTwoThreads) {
  LowRankRnn rnn(LowRankRnnOptions(40, 1).activation(RnnActivation::kTanh).dt(0.1).steps(30));
  auto gen = core::make_generator(3);
  rnn->init_random(gen);
  const torch::Tensor x = torch::randn({8, 30}, gen, torch::kFloat64);
  auto grad_of_m = [&](int threads) {
    torch::set_num_threads(threads);
    rnn->zero_grad();
    rnn->forward(x).pow(2).sum().backward();
    return rnn->m.grad().clone();
  };
  const torch::Tensor one = grad_of_m(1), two = grad_of_m(2);
  torch::set_num_threads(1);
  EXPECT_LE((one - two).abs().max().item<double>(), 1e-13 * one.abs().max().item<double>());
}

}  // namespace
}  // namespace netprobe::models
