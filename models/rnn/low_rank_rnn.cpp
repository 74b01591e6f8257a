#include "models/rnn/low_rank_rnn.h"

#include <cmath>

#include <fmt/format.h>

#include "models/rnn/kernel.h"
#include "core/errors.h"

namespace netprobe::models {

RnnActivation parse_rnn_activation(const std::string& name) {
  if (name == "linear") return RnnActivation::kLinear;
  if (name == "tanh") return RnnActivation::kTanh;
  if (name == "erf_s") return RnnActivation::kErfS;
  throw core::UsageError(fmt::format("--activation: unknown RNN activation '{}' (linear, tanh, erf_s)", name));
}

std::string to_string(RnnActivation activation) {
  switch (activation) {
    case RnnActivation::kLinear: return "linear";
    case RnnActivation::kTanh: return "tanh";
    case RnnActivation::kErfS: return "erf_s";
  }
  return "linear";
}

torch::Tensor rnn_activation(RnnActivation activation, const torch::Tensor& x) {
  switch (activation) {
    case RnnActivation::kLinear: return x;
    case RnnActivation::kTanh: return torch::tanh(x);
    case RnnActivation::kErfS: return torch::erf(x * (std::sqrt(M_PI) / 2));
  }
  return x;
}

int64_t readout_lag(RnnActivation activation) { return activation == RnnActivation::kLinear ? 1 : 0; }

void validate(const LowRankRnnOptions& o) {
  if (o.rank() < 1) throw core::UsageError(fmt::format("--rank: must be >= 1, got {}", o.rank()));
  if (o.n() < o.rank()) throw core::UsageError(fmt::format("--n: must be >= rank ({}), got {}", o.rank(), o.n()));
  if (!(o.dt() > 0)) throw core::UsageError(fmt::format("--dt: must be > 0, got {}", o.dt()));
  if (o.steps() < 1) throw core::UsageError(fmt::format("--steps: must be >= 1, got {}", o.steps()));
}

LowRankRnnImpl::LowRankRnnImpl(LowRankRnnOptions options) : options_(std::move(options)) {
  validate(options_);
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  const int64_t n = options_.n(), r = options_.rank();
  m = register_parameter("m", torch::zeros({n}, f64));
  U = register_parameter("U", torch::zeros({n, r}, f64));
  V = register_parameter("V", torch::zeros({n, r}, f64));
  z = register_parameter("z", torch::zeros({n}, f64));
}

torch::Tensor LowRankRnnImpl::forward(const torch::Tensor& x) {
  return fused_rnn_forward(x.to(torch::kFloat64), m, U, V, z, options_.activation(), options_.dt());
}

torch::Tensor LowRankRnnImpl::forward_eager(const torch::Tensor& x) {
  const double dt = options_.dt();
  const auto n = static_cast<double>(options_.n());
  torch::Tensor h = torch::zeros({x.size(0), options_.n()}, m.options());
  std::vector<torch::Tensor> ys;
  ys.reserve(static_cast<size_t>(x.size(1)));
  const bool before = readout_lag(options_.activation()) == 0;
  for (int64_t t = 0; t < x.size(1); ++t) {
    const torch::Tensor r = rnn_activation(options_.activation(), h);
    if (before) ys.push_back(r.matmul(z) / n);                      // from h_t
    const torch::Tensor recurrent = r.matmul(V).matmul(U.t()) / n;  // (1/N) U V^T phi(h)
    h = h + dt * (-h + recurrent + x.select(1, t).unsqueeze(1) * m);
    if (!before) ys.push_back(rnn_activation(options_.activation(), h).matmul(z) / n);  // from h_{t+1}
  }
  return torch::stack(ys, 1);
}

torch::Tensor LowRankRnnImpl::vectors() const { return torch::cat({z.unsqueeze(1), V, m.unsqueeze(1), U}, 1); }

void LowRankRnnImpl::set_vectors(const torch::Tensor& c) {
  const int64_t r = options_.rank();
  torch::NoGradGuard no_grad;
  z.copy_(c.select(1, 0));
  V.copy_(c.narrow(1, 1, r));
  m.copy_(c.select(1, r + 1));
  U.copy_(c.narrow(1, r + 2, r));
}

void LowRankRnnImpl::init_random(at::Generator& gen) {
  const int64_t n = options_.n();
  torch::Tensor c = torch::randn({n, 2 * options_.rank() + 2}, gen, m.options());
  c = c / (c.pow(2).sum(0, true) / static_cast<double>(n)).sqrt();  // each column |a|^2 / N = 1
  set_vectors(c);
}

void LowRankRnnImpl::init_from_overlaps(const torch::Tensor& sigma0, at::Generator& gen) {
  const int64_t n = options_.n(), k = 2 * options_.rank() + 2;
  if (sigma0.sizes() != torch::IntArrayRef({k, k})) {
    throw core::UsageError(fmt::format("initial overlap matrix must be {}x{}", k, k));
  }
  if (n < k) throw core::UsageError(fmt::format("--n: need N >= {} to realize a {}x{} overlap matrix", k, k, k));
  const torch::Tensor q = std::get<0>(torch::linalg_qr(torch::randn({n, k}, gen, m.options())));
  const torch::Tensor chol = torch::linalg_cholesky(sigma0.to(torch::kFloat64));
  set_vectors(q.matmul(chol.t()) * std::sqrt(static_cast<double>(n)));
}

}  // namespace netprobe::models
