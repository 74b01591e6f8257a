// The fused RNN kernel against the step-by-step LibTorch recurrence: outputs and every
// parameter gradient, for each activation, rank 1 and 2, and a batch of different inputs.
#include "models/rnn_kernel.h"

#include <gtest/gtest.h>

#include "models/rnn_tasks.h"
#include "src/core/seeding.h"
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
