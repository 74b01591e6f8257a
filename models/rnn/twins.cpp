#include "models/rnn/twins.h"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::models {
namespace {

// Unit vector of the column space of `basis` (N x k), random coefficients.
torch::Tensor random_direction_in(const torch::Tensor& basis, at::Generator& gen) {
  const torch::Tensor q = basis.matmul(torch::randn({basis.size(1)}, gen, basis.options()));
  return q / q.norm();
}

// x minus its projection on the column space of the orthonormal `q`.
torch::Tensor project_out(const torch::Tensor& x, const torch::Tensor& q) { return x - q.matmul(q.t().matmul(x)); }

}  // namespace

TwinConstruction parse_twin_construction(const std::string& name) {
  if (name == "authors") return TwinConstruction::kAuthors;
  if (name == "stretch") return TwinConstruction::kStretch;
  throw core::UsageError(fmt::format("--construction: unknown twin construction '{}' (authors, stretch)", name));
}

std::string to_string(TwinConstruction construction) {
  return construction == TwinConstruction::kAuthors ? "authors" : "stretch";
}

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
    q = random_direction_in(project_out(a, std::get<0>(torch::linalg_qr(b))), gen);
  }
  // P x = x + (s - 1) q (q.x), P^-T x = x + (1/s - 1) q (q.x), without forming N x N matrices.
  const torch::Tensor pa = a + (stretch - 1) * q.unsqueeze(1) * q.matmul(a).unsqueeze(0);
  const torch::Tensor pb = b + (1 / stretch - 1) * q.unsqueeze(1) * q.matmul(b).unsqueeze(0);
  return torch::cat({pa, pb}, 1);
}

torch::Tensor make_authors_twin(const torch::Tensor& c, int64_t rank, const AuthorsTwinChange& change) {
  if (change.u_norm && !(*change.u_norm > 0)) {
    throw core::UsageError(fmt::format("--u-norm: |u|^2/N must be > 0, got {}", *change.u_norm));
  }
  if (!change.u_norm &&
      (!(change.u_norm_scale > 0) || (change.u_norm_scale == 1.0 && !change.mu && change.mu_shift == 0.0))) {
    throw core::UsageError(fmt::format(
        "--stretch: the |u|^2 factor must be > 0 (and != 1 unless sigma_mu changes), got {}", change.u_norm_scale));
  }
  const int64_t k = rank + 1;
  const double n = static_cast<double>(c.size(0));
  const torch::Tensor z = c.select(1, 0), v = c.narrow(1, 1, rank), m = c.select(1, k), u = c.narrow(1, k + 1, rank);
  // e: m's direction orthogonal to z; moving u along it shifts sigma_mu and leaves z.u alone.
  const torch::Tensor zhat = z / z.norm();
  const torch::Tensor m_perp = m - zhat * zhat.dot(m);
  const double m_perp_norm = m_perp.norm().item<double>();
  // m.(a_j e) = a_j |m_perp| = N * shift_j; the shift reaches the absolute target when one is set.
  const torch::Tensor sigma_mu = m.matmul(u) / n;
  const torch::Tensor shift = change.mu ? *change.mu - sigma_mu : torch::full_like(sigma_mu, change.mu_shift);
  const torch::Tensor moved = u + (n * shift / (m_perp_norm * m_perp_norm)).unsqueeze(0) * m_perp.unsqueeze(1);
  // Each u_j splits into its part in span(z, V, m) (with the shift) and the rest r_j; rescaling r_j
  // sets |u_j|^2 and leaves z.u_j, m.u_j alone.
  const torch::Tensor read_and_m = std::get<0>(torch::linalg_qr(torch::cat({c.narrow(1, 0, k), m.unsqueeze(1)}, 1)));
  const torch::Tensor rest = project_out(u, read_and_m);
  const torch::Tensor kept = moved - rest;
  torch::Tensor u_new = torch::empty_like(u);
  for (int64_t j = 0; j < rank; ++j) {
    const double target =
        change.u_norm ? *change.u_norm * n : change.u_norm_scale * u.select(1, j).pow(2).sum().item<double>();
    const double floor = kept.select(1, j).pow(2).sum().item<double>();
    const double rest_norm = rest.select(1, j).norm().item<double>();
    if (target < floor || rest_norm == 0) {
      throw core::UsageError(fmt::format(
          "{}: |u_{}|^2/N = {:.4g} is out of reach: with sigma_mu at {:.4g} the twin's |u_{}|^2/N is at least {:.4g}; "
          "ask for a larger |u|^2 or a smaller sigma_mu",
          change.u_norm ? "--u-norm" : "--stretch", j + 1, target / n, (sigma_mu[j] + shift[j]).item<double>(), j + 1,
          floor / n));
    }
    u_new.select(1, j).copy_(kept.select(1, j) + std::sqrt(target - floor) / rest_norm * rest.select(1, j));
  }
  // v_j' = v_j + B' x_j with B'^T B' x = B^T v - B'^T v: B'^T v' = B^T v (v.m and v.u kept).
  const torch::Tensor b_old = c.narrow(1, k, k);
  const torch::Tensor b_new = torch::cat({m.unsqueeze(1), u_new}, 1);
  const torch::Tensor x = torch::linalg_solve(b_new.t().matmul(b_new), b_old.t().matmul(v) - b_new.t().matmul(v));
  const torch::Tensor v_new = v + b_new.matmul(x);
  return torch::cat({z.unsqueeze(1), v_new, m.unsqueeze(1), u_new}, 1);
}

}  // namespace netprobe::models
