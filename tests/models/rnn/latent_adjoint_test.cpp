// The latent model's hand-written adjoint against autograd through the same model.
#include "models/rnn/latent_adjoint.h"

#include <gtest/gtest.h>

#include "core/seeding.h"
#include "models/rnn/low_rank_rnn.h"

namespace netprobe::models {
namespace {

constexpr double kAdjointDt = 0.05;

// Overlaps of a random network whose vectors are correlated (so every entry of Sigma matters)
// and large enough that the gain is well below 1 (Delta of order 1-10).
torch::Tensor adjoint_test_overlaps(int64_t rank, uint64_t seed, double scale) {
  const int64_t k = 2 * rank + 2;
  auto gen = core::make_generator(seed);
  const torch::Tensor a = torch::randn({k, k}, gen, torch::kFloat64);
  return scale * (a.matmul(a.t()) / static_cast<double>(k) + 0.5 * torch::eye(k, torch::kFloat64));
}

double adjoint_relative_gap(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max()).item<double>();
}

TEST(LatentAdjoint, GradientAndLossEqualAutogradForEveryActivationRankAndTask) {
  const RnnTaskData filter = filter_task(0.2, kAdjointDt, 200);
  const RnnTaskData flip = flip_flop_task(kAdjointDt, 300, 3, 5);
  for (RnnActivation act : {RnnActivation::kLinear, RnnActivation::kErfS, RnnActivation::kTanh}) {
    for (int64_t rank : {1, 2}) {
      for (const RnnTaskData* task : {&filter, &flip}) {
        const torch::Tensor sigma = adjoint_test_overlaps(rank, 3 + static_cast<uint64_t>(rank), 1.5);
        double fast_loss = 0, slow_loss = 0;
        const torch::Tensor fast = latent_overlap_gradient_adjoint(sigma, *task, {rank, act, kAdjointDt}, &fast_loss);
        const torch::Tensor slow = latent_overlap_gradient(sigma, *task, {rank, act, kAdjointDt}, &slow_loss);
        // tanh's gain is interpolated from a table (relative error ~1e-9); the others are exact.
        const double tol = act == RnnActivation::kTanh ? 1e-7 : 1e-11;
        const std::string what = to_string(act) + " rank " + std::to_string(rank);
        EXPECT_LT(adjoint_relative_gap(fast, slow), tol) << what;
        EXPECT_NEAR(fast_loss, slow_loss, tol * slow_loss) << what;
        EXPECT_GT(slow.abs().max().item<double>(), 1e-3) << what;  // a real gradient
        if (act != RnnActivation::kLinear) {
          // Sigma_BB is visible for a nonlinear phi: its gradient is not zero.
          const OverlapLayout l{rank};
          EXPECT_GT(std::abs(fast[l.m()][l.m()].item<double>()), 1e-8) << what;
        }
      }
    }
  }
}

TEST(LatentAdjoint, TanhGainAndItsDerivativeMatchTheQuadratureAndLimits) {
  for (double delta : {0.0, 1e-6, 0.3, 1.0, 4.0, 17.3, 63.9, 80.0}) {
    double dg = 0;
    const double g = closure_gain(RnnActivation::kTanh, delta, &dg);
    const torch::Tensor d = torch::tensor({delta}, torch::kFloat64);
    EXPECT_NEAR(g, gain(RnnActivation::kTanh, d).item<double>(), 1e-9) << delta;  // the table's interpolation
    // dg/dDelta by a central difference of the quadrature itself.
    const double h = 1e-5;
    const double lo =
        gain(RnnActivation::kTanh, torch::tensor({std::max(delta - h, 0.0)}, torch::kFloat64)).item<double>();
    const double hi = gain(RnnActivation::kTanh, torch::tensor({delta + h}, torch::kFloat64)).item<double>();
    const double fd = (hi - lo) / (delta + h - std::max(delta - h, 0.0));
    EXPECT_NEAR(dg, fd, 1e-5 * std::max(1.0, std::abs(fd)) + (delta < h ? 1e-4 : 0.0)) << delta;
  }
  double dg = 0;
  EXPECT_DOUBLE_EQ(closure_gain(RnnActivation::kTanh, 0.0, &dg), 1.0);  // phi'(0) = 1
  EXPECT_NEAR(dg, -1.0, 1e-9);                                          // tanh'''(0) / 2
  EXPECT_DOUBLE_EQ(closure_gain(RnnActivation::kErfS, 2.0, &dg), 1 / std::sqrt(1 + M_PI));
}

}  // namespace
}  // namespace netprobe::models
