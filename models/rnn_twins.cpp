#include "models/rnn_twins.h"

#include <fmt/format.h>

#include "src/core/errors.h"

namespace netprobe::models {
namespace {

// Unit vector of the column space of `basis` (N x k), random coefficients.
torch::Tensor random_direction_in(const torch::Tensor& basis, at::Generator& gen) {
  const torch::Tensor q = basis.matmul(torch::randn({basis.size(1)}, gen, basis.options()));
  return q / q.norm();
}

}  // namespace

torch::Tensor make_twin(const torch::Tensor& c, int64_t rank, RnnActivation activation, double stretch,
                        at::Generator& gen) {
  if (!(stretch > 0) || stretch == 1.0) {
    throw core::UsageError(fmt::format("--stretch: must be > 0 and != 1, got {}", stretch));
  }
  const int64_t k = rank + 1;
  const torch::Tensor a = c.narrow(1, 0, k), b = c.narrow(1, k, k);
  torch::Tensor q;
  if (activation == RnnActivation::kLinear) {
    q = random_direction_in(c, gen);
  } else {
    const torch::Tensor qb = std::get<0>(torch::linalg_qr(b));  // orthonormal basis of span(B)
    const torch::Tensor a_perp = a - qb.matmul(qb.t().matmul(a));
    q = random_direction_in(a_perp, gen);
  }
  // P x = x + (s - 1) q (q.x), P^-T x = x + (1/s - 1) q (q.x), without forming N x N matrices.
  const torch::Tensor pa = a + (stretch - 1) * q.unsqueeze(1) * q.matmul(a).unsqueeze(0);
  const torch::Tensor pb = b + (1 / stretch - 1) * q.unsqueeze(1) * q.matmul(b).unsqueeze(0);
  return torch::cat({pa, pb}, 1);
}

}  // namespace netprobe::models
