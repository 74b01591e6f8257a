#include "models/rnn/overlap_theory.h"

#include <cmath>

#include <fmt/format.h>

#include "models/rnn/kernel.h"
#include "models/rnn/latent_adjoint.h"

namespace netprobe::models {
namespace {

// Trapezoid nodes and weights for <f(xi)>, xi ~ N(0, 1), on [-10, 10]: for smooth integrands
// that decay like a Gaussian the trapezoid rule converges spectrally. (40-node Gauss-Hermite
// was 4e-5 off for tanh at Delta = 2: tanh' has complex poles near the real axis.)
std::pair<torch::Tensor, torch::Tensor> gaussian_quadrature() {
  const int64_t n = 2001;
  const torch::Tensor xi = torch::linspace(-10, 10, n, torch::kFloat64);
  torch::Tensor w = torch::exp(-xi * xi / 2) / std::sqrt(2 * M_PI) * (20.0 / static_cast<double>(n - 1));
  w[0] = w[0] / 2;
  w[n - 1] = w[n - 1] / 2;
  return {xi, w};
}

torch::Tensor sym(const torch::Tensor& g) { return (g + g.t()) / 2; }

}  // namespace

std::vector<std::string> OverlapLayout::entry_names() const {
  std::vector<std::string> label;
  label.push_back("z");
  for (int64_t i = 0; i < rank; ++i) label.push_back(fmt::format("v{}", i + 1));
  label.push_back("m");
  for (int64_t i = 0; i < rank; ++i) label.push_back(fmt::format("u{}", i + 1));
  std::vector<std::string> out;
  for (int64_t a = 0; a < size(); ++a)
    for (int64_t b = a; b < size(); ++b) {
      out.push_back(a == b ? fmt::format("|{}|^2", label[static_cast<size_t>(a)])
                           : fmt::format("{}.{}", label[static_cast<size_t>(a)], label[static_cast<size_t>(b)]));
    }
  return out;
}

torch::Tensor overlap_matrix(const torch::Tensor& c) { return c.t().matmul(c) / static_cast<double>(c.size(0)); }

torch::Tensor visible_mask(int64_t rank, RnnActivation activation) {
  const OverlapLayout l{rank};
  torch::Tensor mask = torch::zeros({l.size(), l.size()}, torch::kFloat64);
  const int64_t a = rank + 1;  // size of each side
  mask.narrow(0, 0, a).narrow(1, a, a).fill_(1);
  mask.narrow(0, a, a).narrow(1, 0, a).fill_(1);
  if (activation != RnnActivation::kLinear) mask.narrow(0, a, a).narrow(1, a, a).fill_(1);
  return mask;
}

torch::Tensor gain(RnnActivation activation, const torch::Tensor& delta) {
  switch (activation) {
    case RnnActivation::kLinear: return torch::ones_like(delta);
    case RnnActivation::kErfS: return (1 + M_PI * delta / 2).pow(-0.5);
    case RnnActivation::kTanh: {
      static const auto q = gaussian_quadrature();
      // <tanh'(sqrt(D) xi)>. The clamp keeps autograd finite at D = 0 (d sqrt/dD is infinite
      // there); it changes nothing, since D = 0 only where its own gradient dD/dSigma vanishes.
      const torch::Tensor arg = delta.clamp_min(1e-12).sqrt().unsqueeze(-1) * q.first;
      return ((1 - torch::tanh(arg).pow(2)) * q.second).sum(-1);
    }
  }
  return torch::ones_like(delta);
}

torch::Tensor latent_outputs(const torch::Tensor& sigma, const torch::Tensor& inputs, const RnnDynamics& dynamics) {
  const auto& [rank, activation, dt] = dynamics;
  const OverlapLayout l{rank};
  const torch::Tensor zm = sigma[l.z()][l.m()];
  const torch::Tensor zu = sigma[l.z()].narrow(0, l.u(0), rank);
  const torch::Tensor vm = sigma.narrow(0, l.v(0), rank).select(1, l.m());
  const torch::Tensor vu = sigma.narrow(0, l.v(0), rank).narrow(1, l.u(0), rank);
  const torch::Tensor mm = sigma[l.m()][l.m()];
  const torch::Tensor mu = sigma[l.m()].narrow(0, l.u(0), rank);
  const torch::Tensor uu = sigma.narrow(0, l.u(0), rank).narrow(1, l.u(0), rank);
  const int64_t batch = inputs.size(0);
  torch::Tensor km = torch::zeros({batch}, sigma.options());
  torch::Tensor ku = torch::zeros({batch, rank}, sigma.options());
  // Population variance of h = km m + U ku, per batch element.
  const auto delta = [&](const torch::Tensor& a, const torch::Tensor& b) {
    return a * a * mm + 2 * a * b.matmul(mu) + (b.matmul(uu) * b).sum(1);
  };
  std::vector<torch::Tensor> ys;
  const bool before = readout_lag(activation) == 0;
  for (int64_t t = 0; t < inputs.size(1); ++t) {
    const torch::Tensor g = gain(activation, delta(km, ku));
    if (before) ys.push_back(g * (km * zm + ku.matmul(zu)));                                  // reads h_t
    const torch::Tensor drive = g.unsqueeze(1) * (km.unsqueeze(1) * vm + ku.matmul(vu.t()));  // uses h_t
    km = km + dt * (-km + inputs.select(1, t));
    ku = ku + dt * (-ku + drive);
    if (!before) ys.push_back(gain(activation, delta(km, ku)) * (km * zm + ku.matmul(zu)));  // reads h_{t+1}
  }
  return torch::stack(ys, 1);
}

namespace {

// Linear phi: the loss depends on the vectors only through Sigma, so the K = 2R+2 neuron network
// C = sqrt(K) chol(Sigma)^T (C^T C / K = Sigma) has the loss of every network with overlaps Sigma.
// Since L(C) = L(C^T C / K), dL/dC = 2 C E / K, so E = (K / 2) C^-1 dL/dC: one pass of the fused
// kernel on K neurons instead of ~10 autograd nodes per time step of the latent model (about
// three orders of magnitude faster, bench_rnn). Returns an undefined tensor if Sigma is not
// positive definite.
torch::Tensor linear_overlap_gradient(const torch::Tensor& sigma, const RnnTaskData& task, int64_t rank, double dt,
                                      double* loss) {
  const auto [chol, info] = torch::linalg_cholesky_ex(sigma.detach());
  if (info.item<int64_t>() != 0) return {};
  const OverlapLayout l{rank};
  const auto k = static_cast<double>(l.size());
  torch::AutoGradMode grad_on(true);
  const torch::Tensor c = (chol.t() * std::sqrt(k)).contiguous().requires_grad_(true);
  const torch::Tensor y = fused_rnn_forward(task.inputs, c.select(1, l.m()), c.narrow(1, l.u(0), rank),
                                            c.narrow(1, l.v(0), rank), c.select(1, l.z()), RnnActivation::kLinear, dt);
  const torch::Tensor lv = rnn_loss(y, task);
  if (loss != nullptr) *loss = lv.item<double>();
  const torch::Tensor grad_c = torch::autograd::grad({lv}, {c})[0];
  return sym(torch::linalg_solve(c.detach(), grad_c) * (k / 2));
}

}  // namespace

torch::Tensor overlap_gradient(const torch::Tensor& sigma, const RnnTaskData& task, const RnnDynamics& dynamics,
                               double* loss) {
  if (dynamics.activation == RnnActivation::kLinear) {
    torch::Tensor e = linear_overlap_gradient(sigma, task, dynamics.rank, dynamics.dt, loss);
    if (e.defined()) return e;
  }
  return latent_overlap_gradient_adjoint(sigma, task, dynamics, loss);
}

torch::Tensor latent_overlap_gradient(const torch::Tensor& sigma, const RnnTaskData& task, const RnnDynamics& dynamics,
                                      double* loss) {
  torch::AutoGradMode grad_on(true);
  torch::Tensor s = sigma.detach().clone().requires_grad_(true);
  const torch::Tensor l = rnn_loss(latent_outputs(s, task.inputs, dynamics), task);
  if (loss != nullptr) *loss = l.item<double>();
  return sym(torch::autograd::grad({l}, {s})[0]);
}

torch::Tensor exact_map_step(const torch::Tensor& sigma, const torch::Tensor& e, double eta) {
  const torch::Tensor p = torch::eye(sigma.size(0), sigma.options()) - 2 * eta * e;
  return p.matmul(sigma).matmul(p);
}

torch::Tensor flow_step(const torch::Tensor& sigma, const torch::Tensor& e, const RnnTaskData& task,
                        const RnnDynamics& dynamics, double eta, double h, FlowMethod method) {
  const auto velocity = [&](const torch::Tensor& s, const torch::Tensor& grad) {
    return -2 * eta * (grad.matmul(s) + s.matmul(grad));
  };
  const auto field = [&](const torch::Tensor& s) { return velocity(s, overlap_gradient(s, task, dynamics)); };
  const torch::Tensor k1 = velocity(sigma, e);
  if (method == FlowMethod::kEuler) return sigma + h * k1;
  const torch::Tensor k2 = field(sigma + h / 2 * k1), k3 = field(sigma + h / 2 * k2), k4 = field(sigma + h * k3);
  return sigma + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
}

torch::Tensor integrate_flow(const torch::Tensor& sigma0, const RnnTaskData& task, const RnnDynamics& dynamics,
                             double eta, int64_t epochs, FlowMethod method, int64_t substeps) {
  const double h = 1.0 / static_cast<double>(substeps);
  std::vector<torch::Tensor> out = {sigma0};
  torch::Tensor s = sigma0;
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    for (int64_t k = 0; k < substeps; ++k) {
      s = flow_step(s, overlap_gradient(s, task, dynamics), task, dynamics, eta, h, method);
    }
    out.push_back(s);
  }
  return torch::stack(out);
}

torch::Tensor flow_invariants(const torch::Tensor& sigma, int64_t rank) {
  std::vector<torch::Tensor> parts;
  for (const auto& q : conserved_quantities(sigma, rank, RnnActivation::kLinear)) parts.push_back(q.value);
  return torch::cat(parts);
}

std::vector<NamedQuantity> conserved_quantities(const torch::Tensor& sigma, int64_t rank, RnnActivation activation) {
  const OverlapLayout l{rank};
  const torch::Tensor vv_uu =
      sigma.narrow(0, l.v(0), rank).narrow(1, l.v(0), rank) - sigma.narrow(0, l.u(0), rank).narrow(1, l.u(0), rank);
  if (activation != RnnActivation::kLinear) return {{"VtV-UtU", vv_uu.flatten()}};
  torch::Tensor signs = torch::ones({l.size()}, sigma.options());
  signs.narrow(0, l.m(), rank + 1).fill_(-1);
  // S Sigma is similar to the symmetric Sigma^(1/2) S Sigma^(1/2), so its eigenvalues are real.
  const torch::Tensor spectrum =
      std::get<0>(torch::sort(torch::real(torch::linalg_eigvals(signs.unsqueeze(1) * sigma))));
  const torch::Tensor zz_mm = (sigma[l.z()][l.z()] - sigma[l.m()][l.m()]).unsqueeze(0);
  return {{"spec(S Sigma)", spectrum}, {"VtV-UtU", vv_uu.flatten()}, {"|z|^2-|m|^2", zz_mm}};
}

std::vector<std::pair<std::string, double>> invariant_drifts(const torch::Tensor& before, const torch::Tensor& after,
                                                             int64_t rank, RnnActivation activation) {
  const auto q0 = conserved_quantities(before, rank, activation), q1 = conserved_quantities(after, rank, activation);
  const double scale = before.abs().max().item<double>();
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < q0.size(); ++i) {
    out.emplace_back(q0[i].name, (q1[i].value - q0[i].value).abs().max().item<double>() / scale);
  }
  return out;
}

}  // namespace netprobe::models
