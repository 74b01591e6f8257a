// The flows of the visible overlaps alone: a balanced start stays balanced and closes the overlap
// flow on Sigma_AB (to O(eta) against GD), and the plain gradient flow is the overlap flow only
// where the invisible blocks are the identity.
#include "models/rnn/visible_flow.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "models/rnn/low_rank_rnn.h"
#include "models/rnn/overlap_theory.h"

namespace netprobe::models {
namespace {

const RnnDynamics kLinear{1, RnnActivation::kLinear, 0.05};

torch::Tensor visible_block(const torch::Tensor& s, int64_t k) { return s.narrow(0, 0, k).narrow(1, k, k); }

TEST(VisibleFlow, BalancedVectorsHaveZeroKAndTheirOverlapsFollowFromTheVisibleBlock) {
  for (const int64_t rank : {1, 2}) {
    auto gen = core::make_generator(2);
    const torch::Tensor c = balanced_vectors(300, rank, gen);
    const int64_t k = rank + 1;
    const torch::Tensor a = c.narrow(1, 0, k), b = c.narrow(1, k, k);
    const torch::Tensor kk = a.matmul(a.t()) - b.matmul(b.t());
    EXPECT_LT(kk.abs().max().item<double>(), 1e-12 * b.matmul(b.t()).abs().max().item<double>()) << rank;
    EXPECT_TRUE(torch::allclose(b.pow(2).sum(0) / 300, torch::full({k}, kBalancedNorm, torch::kFloat64), 0, 1e-12));
    const torch::Tensor sigma = overlap_matrix(c);
    EXPECT_TRUE(torch::allclose(balanced_sigma(visible_block(sigma, k)), sigma, 0, 1e-10)) << rank;
  }
}

TEST(VisibleFlow, BalancedFlowFollowsGdToOrderEtaAndThePlainFlowDoesNot) {
  const RnnTaskData task = filter_task(0.2, kLinear.dt, 400);
  const TaskOfEpoch fixed = [&](int) -> const RnnTaskData& { return task; };
  auto gen = core::make_generator(4);
  LowRankRnn rnn(LowRankRnnOptions(300, 1));
  rnn->set_vectors(balanced_vectors(300, 1, gen));
  const torch::Tensor sigma0 = overlap_matrix(rnn->vectors().detach());
  std::vector<double> errors, from_full_flow;
  for (const double eta : {0.01, 0.005}) {
    const GdSchedule schedule{eta, static_cast<int>(std::lround(2.0 / eta)), static_cast<int>(std::lround(2.0 / eta))};
    const auto gd = theory_trajectory(sigma0, task, kLinear, schedule, Integrator::kMap);  // = full-N GD (linear)
    const auto balanced = visible_flow_trajectory(sigma0, fixed, kLinear, schedule, VisibleFlow::kBalanced);
    const auto plain = visible_flow_trajectory(sigma0, fixed, kLinear, schedule, VisibleFlow::kPlain);
    const auto full_flow = theory_trajectory(sigma0, task, kLinear, schedule, Integrator::kEuler);
    const torch::Tensor x = visible_block(gd.back().sigma, 2);
    const auto error = [&](const std::vector<OverlapRecord>& r) {
      return ((visible_block(r.back().sigma, 2) - x).abs().max() / x.abs().max()).item<double>();
    };
    errors.push_back(error(balanced));
    EXPECT_GT(error(plain), 20 * error(balanced)) << eta;
    // The balanced flow is the overlap flow on the K = 0 manifold: the two Euler integrations
    // part by O(eta) (the full one drifts off the manifold).
    from_full_flow.push_back(
        ((balanced.back().sigma - full_flow.back().sigma).abs().max() / full_flow.back().sigma.abs().max())
            .item<double>());
  }
  // O(eta): both halve with eta at a fixed learning time (measured 3.2e-4 vs GD, 4.0e-3 vs the full
  // flow, at eta 0.01).
  EXPECT_GT(errors[0] / errors[1], 1.6);
  EXPECT_LT(errors[0] / errors[1], 2.6);
  EXPECT_LT(from_full_flow[0], 1e-2);
  EXPECT_GT(from_full_flow[0] / from_full_flow[1], 1.6);
  EXPECT_LT(from_full_flow[0] / from_full_flow[1], 2.6);
}

TEST(VisibleFlow, PlainFlowIsTheOverlapFlowWhereTheInvisibleBlocksAreTheIdentity) {
  const RnnTaskData task = filter_task(0.2, kLinear.dt, 400);
  const TaskOfEpoch fixed = [&](int) -> const RnnTaskData& { return task; };
  torch::Tensor sigma0 = torch::eye(4, torch::kFloat64);
  visible_block(sigma0, 2).copy_(torch::tensor({{0.1, 0.2}, {0.3, 0.4}}, torch::kFloat64));
  sigma0.narrow(0, 2, 2).narrow(1, 0, 2).copy_(visible_block(sigma0, 2).t());
  const GdSchedule one_step{0.005, 1, 1};
  const auto plain = visible_flow_trajectory(sigma0, fixed, kLinear, one_step, VisibleFlow::kPlain);
  const auto full = theory_trajectory(sigma0, task, kLinear, one_step, Integrator::kEuler);
  EXPECT_LT((visible_block(plain.back().sigma, 2) - visible_block(full.back().sigma, 2)).abs().max().item<double>(),
            1e-14);
  EXPECT_THROW(visible_flow_trajectory(sigma0, fixed, {1, RnnActivation::kTanh, 0.05}, one_step, VisibleFlow::kPlain),
               core::UsageError);
}

}  // namespace
}  // namespace netprobe::models
