#include "models/rnn/visible_flow.h"

#include "core/errors.h"
#include "models/rnn/overlap_theory.h"

namespace netprobe::models {
namespace {

// The square root of a symmetric positive semi-definite matrix (eigenvalues clamped at 0).
torch::Tensor psd_sqrt(const torch::Tensor& m) {
  const auto [values, vectors] = torch::linalg_eigh(0.5 * (m + m.t()));
  return vectors.matmul(torch::diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
}

}  // namespace

torch::Tensor balanced_vectors(int64_t n, int64_t rank, at::Generator& gen) {
  const int64_t k = rank + 1;
  torch::Tensor b = torch::randn({n, k}, gen, torch::kFloat64);
  b = b * (std::sqrt(kBalancedNorm * static_cast<double>(n)) / b.norm(2, 0, true));
  const torch::Tensor q = std::get<0>(torch::linalg_qr(torch::randn({k, k}, gen, torch::kFloat64)));
  return torch::cat({b.matmul(q), b}, 1);
}

torch::Tensor balanced_sigma(const torch::Tensor& x) {
  return torch::cat({torch::cat({psd_sqrt(x.matmul(x.t())), x}, 1), torch::cat({x.t(), psd_sqrt(x.t().matmul(x))}, 1)},
                    0);
}

std::vector<OverlapRecord> visible_flow_trajectory(const torch::Tensor& sigma0, const TaskOfEpoch& task_of_epoch,
                                                   const RnnDynamics& dynamics, const GdSchedule& schedule,
                                                   VisibleFlow flow) {
  if (dynamics.activation != RnnActivation::kLinear) {
    throw core::UsageError("--activation: the flows of the visible overlaps alone hold for linear phi only");
  }
  const int64_t k = dynamics.rank + 1;
  torch::Tensor x = sigma0.narrow(0, 0, k).narrow(1, k, k).clone();
  const auto sigma_of = [&](const torch::Tensor& visible) {
    if (flow == VisibleFlow::kBalanced) return balanced_sigma(visible);
    torch::Tensor s = sigma0.clone();
    s.narrow(0, 0, k).narrow(1, k, k).copy_(visible);
    s.narrow(0, k, k).narrow(1, 0, k).copy_(visible.t());
    return s;
  };
  std::vector<OverlapRecord> records;
  for (int epoch = 0; epoch <= schedule.epochs; ++epoch) {
    const torch::Tensor sigma = sigma_of(x);
    double loss = 0;
    const torch::Tensor e = overlap_gradient(sigma, task_of_epoch(epoch), dynamics, &loss);
    if (epoch == 0 || epoch % schedule.track_every == 0 || epoch == schedule.epochs) {
      records.push_back({epoch, loss, sigma});
    }
    if (epoch == schedule.epochs) break;
    const torch::Tensor e_ab = e.narrow(0, 0, k).narrow(1, k, k);
    const torch::Tensor velocity = flow == VisibleFlow::kBalanced
                                       ? -2 * schedule.eta *
                                             (sigma.narrow(0, 0, k).narrow(1, 0, k).matmul(e_ab) +
                                              e_ab.matmul(sigma.narrow(0, k, k).narrow(1, k, k)))
                                       : -4 * schedule.eta * e_ab;
    x = x + velocity;
  }
  return records;
}

}  // namespace netprobe::models
