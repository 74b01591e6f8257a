#include "models/rnn/latent_adjoint.h"

#include <cmath>
#include <vector>

namespace netprobe::models {
namespace {

// <f(xi)>, xi ~ N(0, 1), for an even f: the trapezoid rule of `gain` (2001 nodes on [-10, 10]),
// folded onto xi >= 0.
template <typename F>
double gaussian_mean_even(F f) {
  constexpr int kHalf = 1000;
  constexpr double kStep = 10.0 / kHalf;
  const double norm = kStep / std::sqrt(2 * M_PI);
  double sum = f(0.0) * norm;
  for (int k = 1; k <= kHalf; ++k) {
    const double xi = k * kStep;
    const double w = std::exp(-xi * xi / 2) * norm * (k == kHalf ? 0.5 : 1.0);
    sum += 2 * w * f(xi);
  }
  return sum;
}

// tanh's g = <tanh'(sqrt(D) xi)> and dg/dD = <tanh'''(sqrt(D) xi)> / 2 (Gaussian integration by
// parts), tanh' = 1 - t^2, tanh''' = -2 (1 - t^2)(1 - 3 t^2).
double tanh_gain_direct(double delta, double* dgain) {
  const double s = std::sqrt(std::max(delta, 0.0));
  *dgain = gaussian_mean_even([&](double xi) {
    const double t2 = std::pow(std::tanh(s * xi), 2);
    return -(1 - t2) * (1 - 3 * t2);
  });
  return gaussian_mean_even([&](double xi) { return 1 - std::pow(std::tanh(s * xi), 2); });
}

// g and dg/dD on a grid of D, for cubic Hermite interpolation: built once, ~8000 quadratures.
struct TanhGainTable {
  static constexpr double kStep = 1.0 / 128, kMax = 64;
  std::vector<double> g, dg;
  TanhGainTable() {
    const auto n = static_cast<size_t>(kMax / kStep) + 1;
    g.resize(n);
    dg.resize(n);
    for (size_t j = 0; j < n; ++j) g[j] = tanh_gain_direct(static_cast<double>(j) * kStep, &dg[j]);
  }
  double operator()(double delta, double* dgain) const {
    if (!(delta < kMax)) return tanh_gain_direct(delta, dgain);
    const double x = std::max(delta, 0.0) / kStep;
    const auto j = static_cast<size_t>(x);
    const double u = x - static_cast<double>(j), h = kStep;
    const double g0 = g[j], g1 = g[j + 1], d0 = dg[j] * h, d1 = dg[j + 1] * h;
    const double u2 = u * u, u3 = u2 * u;
    *dgain = ((6 * u2 - 6 * u) * g0 + (3 * u2 - 4 * u + 1) * d0 + (-6 * u2 + 6 * u) * g1 + (3 * u2 - 2 * u) * d1) / h;
    return (2 * u3 - 3 * u2 + 1) * g0 + (u3 - 2 * u2 + u) * d0 + (-2 * u3 + 3 * u2) * g1 + (u3 - u2) * d1;
  }
};

// The entries of Sigma the latent model reads (rank R), and the gradient with respect to each.
struct LatentOverlaps {
  int64_t r = 1;
  double zm = 0, mm = 0;
  std::vector<double> zu, vm, mu, vu, uu;  // vu[i * r + j] = v_i.u_j, uu[i * r + j] = u_i.u_j
  explicit LatentOverlaps(int64_t rank) : r(rank), zu(rank), vm(rank), mu(rank), vu(rank * rank), uu(rank * rank) {}
};

LatentOverlaps read_overlaps(const torch::Tensor& sigma, int64_t rank) {
  const OverlapLayout l{rank};
  const torch::Tensor s = sigma.detach().to(torch::kFloat64).contiguous();
  const auto a = s.accessor<double, 2>();
  LatentOverlaps o(rank);
  o.zm = a[l.z()][l.m()];
  o.mm = a[l.m()][l.m()];
  for (int64_t i = 0; i < rank; ++i) {
    o.zu[i] = a[l.z()][l.u(i)];
    o.vm[i] = a[l.v(i)][l.m()];
    o.mu[i] = a[l.m()][l.u(i)];
    for (int64_t j = 0; j < rank; ++j) {
      o.vu[i * rank + j] = a[l.v(i)][l.u(j)];
      o.uu[i * rank + j] = a[l.u(i)][l.u(j)];
    }
  }
  return o;
}

// Population variance of h = km m + U ku, and its gradient with respect to ku.
double population_variance(const LatentOverlaps& o, double km, const double* ku, double* dku) {
  const int64_t r = o.r;
  double d = km * km * o.mm;
  for (int64_t i = 0; i < r; ++i) {
    d += 2 * km * ku[i] * o.mu[i];
    for (int64_t j = 0; j < r; ++j) d += ku[i] * o.uu[i * r + j] * ku[j];
  }
  if (dku != nullptr) {
    for (int64_t j = 0; j < r; ++j) {
      dku[j] = 2 * km * o.mu[j];
      for (int64_t i = 0; i < r; ++i) dku[j] += (o.uu[i * r + j] + o.uu[j * r + i]) * ku[i];
    }
  }
  return d;
}

// Accumulates dL/dDelta's share of the gradient of the Sigma_BB entries at a state.
void add_variance_gradient(LatentOverlaps& grad, double d_delta, double km, const double* ku) {
  const int64_t r = grad.r;
  grad.mm += d_delta * km * km;
  for (int64_t i = 0; i < r; ++i) {
    grad.mu[i] += d_delta * 2 * km * ku[i];
    for (int64_t j = 0; j < r; ++j) grad.uu[i * r + j] += d_delta * ku[i] * ku[j];
  }
}

}  // namespace

double closure_gain(RnnActivation activation, double delta, double* dgain) {
  switch (activation) {
    case RnnActivation::kLinear: *dgain = 0; return 1;
    case RnnActivation::kErfS: {
      const double base = 1 + M_PI * delta / 2;
      *dgain = -M_PI / 4 * std::pow(base, -1.5);
      return 1 / std::sqrt(base);
    }
    case RnnActivation::kTanh: {
      static const TanhGainTable table;
      return table(delta, dgain);
    }
  }
  *dgain = 0;
  return 1;
}

torch::Tensor latent_overlap_gradient_adjoint(const torch::Tensor& sigma, const RnnTaskData& task,
                                              const RnnDynamics& dynamics, double* loss) {
  const auto& [rank, activation, dt] = dynamics;
  const LatentOverlaps o = read_overlaps(sigma, rank);
  LatentOverlaps grad(rank);
  const torch::Tensor x = task.inputs.to(torch::kFloat64).contiguous();
  const torch::Tensor target = task.targets.to(torch::kFloat64).contiguous();
  const torch::Tensor weight = task.weights.to(torch::kFloat64).contiguous();
  const auto xa = x.accessor<double, 2>(), ya = target.accessor<double, 2>(), wa = weight.accessor<double, 2>();
  const int64_t batch = x.size(0), steps = x.size(1), r = rank, lag = readout_lag(activation);
  // States 0..T of one trial: km, ku (r each), g and dg/dDelta; and each output's error and
  // readout before the gain (output k reads state k + lag).
  std::vector<double> km(steps + 1), ku((steps + 1) * r), g(steps + 1), dg(steps + 1), err(steps), readout(steps);
  std::vector<double> a(r), a_next(r), d_delta_ku(r), drive_in(r);
  double total = 0;
  // Output k = g_n (zm km_n + zu . ku_n) of state n = k + lag.
  const auto read_out = [&](int64_t b, int64_t n) {
    const int64_t k = n - lag;
    double s = km[n] * o.zm;
    for (int64_t i = 0; i < r; ++i) s += o.zu[i] * ku[n * r + i];
    readout[k] = s;
    const double e = g[n] * s - ya[b][k];
    err[k] = 2 * wa[b][k] * e;  // dL/dy_k
    total += wa[b][k] * e * e;
  };
  for (int64_t b = 0; b < batch; ++b) {
    // Forward: the latent recurrence of latent_outputs, keeping every state.
    km[0] = 0;
    std::fill(ku.begin(), ku.begin() + r, 0.0);
    g[0] = closure_gain(activation, 0.0, &dg[0]);
    if (lag == 0) read_out(b, 0);  // y_0 = 0 from h_0 = 0: it has a loss, but no gradient
    for (int64_t t = 0; t < steps; ++t) {
      const double* k0 = &ku[t * r];
      double* k1 = &ku[(t + 1) * r];
      km[t + 1] = km[t] + dt * (-km[t] + xa[b][t]);
      for (int64_t i = 0; i < r; ++i) {
        double p = km[t] * o.vm[i];
        for (int64_t j = 0; j < r; ++j) p += o.vu[i * r + j] * k0[j];
        k1[i] = k0[i] + dt * (-k0[i] + g[t] * p);
      }
      g[t + 1] = closure_gain(activation, population_variance(o, km[t + 1], k1, nullptr), &dg[t + 1]);
      if (t + 1 - lag < steps) read_out(b, t + 1);
    }
    // Backward: a = dL/dku of the state after step t, gathered from the steps after it.
    std::fill(a.begin(), a.end(), 0.0);
    for (int64_t t = steps - 1; t >= 0; --t) {
      const int64_t n = t + 1;
      const double* kn = &ku[n * r];
      const double* kt = &ku[t * r];
      // The output of state n, if it has one: y_{n - lag} = g_n (zm km_n + zu . ku_n).
      if (n - lag < steps) {
        const double dy = err[n - lag];
        grad.zm += dy * g[n] * km[n];
        const double d_delta_n = dy * readout[n - lag] * dg[n];
        population_variance(o, km[n], kn, d_delta_ku.data());
        for (int64_t i = 0; i < r; ++i) {
          grad.zu[i] += dy * g[n] * kn[i];
          a[i] += dy * g[n] * o.zu[i] + d_delta_n * d_delta_ku[i];
        }
        add_variance_gradient(grad, d_delta_n, km[n], kn);
      }
      // Step t: ku_n = (1 - dt) ku_t + dt g_t (km_t vm + VU ku_t).
      double d_gain = 0;
      for (int64_t i = 0; i < r; ++i) {
        double p = km[t] * o.vm[i];
        for (int64_t j = 0; j < r; ++j) p += o.vu[i * r + j] * kt[j];
        drive_in[i] = p;
        const double d_drive = dt * a[i];
        d_gain += d_drive * p;
        grad.vm[i] += d_drive * g[t] * km[t];
        for (int64_t j = 0; j < r; ++j) grad.vu[i * r + j] += d_drive * g[t] * kt[j];
      }
      const double d_delta_t = d_gain * dg[t];
      population_variance(o, km[t], kt, d_delta_ku.data());
      for (int64_t j = 0; j < r; ++j) {
        a_next[j] = (1 - dt) * a[j] + d_delta_t * d_delta_ku[j];
        for (int64_t i = 0; i < r; ++i) a_next[j] += dt * a[i] * g[t] * o.vu[i * r + j];
      }
      add_variance_gradient(grad, d_delta_t, km[t], kt);
      a.swap(a_next);
    }
  }
  if (loss != nullptr) *loss = total;
  // The gradient sits where the model reads Sigma; E is its symmetric part.
  const OverlapLayout l{rank};
  torch::Tensor e = torch::zeros({l.size(), l.size()}, torch::kFloat64);
  auto ea = e.accessor<double, 2>();
  ea[l.z()][l.m()] += grad.zm;
  ea[l.m()][l.m()] += grad.mm;
  for (int64_t i = 0; i < r; ++i) {
    ea[l.z()][l.u(i)] += grad.zu[i];
    ea[l.v(i)][l.m()] += grad.vm[i];
    ea[l.m()][l.u(i)] += grad.mu[i];
    for (int64_t j = 0; j < r; ++j) {
      ea[l.v(i)][l.u(j)] += grad.vu[i * r + j];
      ea[l.u(i)][l.u(j)] += grad.uu[i * r + j];
    }
  }
  return ((e + e.t()) / 2).to(sigma.scalar_type());
}

}  // namespace netprobe::models
