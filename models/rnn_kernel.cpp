#include "models/rnn_kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/Parallel.h>

#include "src/core/errors.h"

namespace netprobe::models {
namespace {

constexpr double kErfScale = 0.88622692545275801365;  // sqrt(pi) / 2

// Four independent partial sums: strict IEEE order forbids the compiler from vectorizing a
// single-accumulator reduction, and N-long dot products are most of the arithmetic here.
inline double dot(const double* __restrict a, const double* __restrict b, int64_t n) {
  double acc[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    acc[0] += a[i] * b[i];
    acc[1] += a[i + 1] * b[i + 1];
    acc[2] += a[i + 2] * b[i + 2];
    acc[3] += a[i + 3] * b[i + 3];
  }
  double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

void activate(RnnActivation activation, const double* h, double* r, int64_t n) {
  switch (activation) {
    case RnnActivation::kLinear:
      if (r != h) std::copy(h, h + n, r);  // linear runs share one buffer for h and phi(h)
      return;
    case RnnActivation::kTanh:
      for (int64_t i = 0; i < n; ++i) r[i] = std::tanh(h[i]);
      return;
    case RnnActivation::kErfS:
      for (int64_t i = 0; i < n; ++i) r[i] = std::erf(kErfScale * h[i]);
      return;
  }
}

// phi'(h) from h and r = phi(h): 1, 1 - tanh^2, or exp(-pi h^2 / 4) for erf_s.
void derivative(RnnActivation activation, const double* __restrict h, const double* __restrict r,
                double* __restrict d, int64_t n) {
  switch (activation) {
    case RnnActivation::kLinear: std::fill(d, d + n, 1.0); return;
    case RnnActivation::kTanh:
      for (int64_t i = 0; i < n; ++i) d[i] = 1.0 - r[i] * r[i];
      return;
    case RnnActivation::kErfS:
      for (int64_t i = 0; i < n; ++i) d[i] = std::exp(-kErfScale * kErfScale * h[i] * h[i]);
      return;
  }
}

struct Shapes {
  int64_t batch, steps, n, rank;
};

// Raw views of the parameters, with U and V transposed to [R, N] so every loop runs along N.
struct Weights {
  const double* x;
  const double* m;
  const double* ut;
  const double* vt;
  const double* z;
};

// States h_0..h_T and phi(h_0)..phi(h_T) ([batch, T+1, N]) and k_s = V^T phi(h_s) / N
// ([batch, T, R]) of one trial, kept for the backward pass.
// Compiled for AVX-512, AVX2 and baseline x86-64, picked at load time (the loops run along N).
__attribute__((target_clones("avx512f", "avx2", "default"))) void forward_trial(const Shapes& s, const Weights& w, RnnActivation activation, double dt, int64_t b, double* hs,
                   double* rs, double* ks, double* y) {
  const int64_t n = s.n, T = s.steps;
  const double inv_n = 1.0 / static_cast<double>(n);
  double* H = hs + b * (T + 1) * n;
  double* Rr = rs + b * (T + 1) * n;
  double* K = ks + b * T * s.rank;
  const double* xb = w.x + b * T;
  std::fill(H, H + n, 0.0);
  std::fill(Rr, Rr + n, 0.0);  // phi(0) = 0 for all three activations
  for (int64_t t = 0; t < T; ++t) {
    const double* __restrict h = H + t * n;
    const double* __restrict r = Rr + t * n;
    double* __restrict next = H + (t + 1) * n;
    const double drive = dt * xb[t];
    for (int64_t i = 0; i < n; ++i) next[i] = (1 - dt) * h[i] + drive * w.m[i];
    for (int64_t j = 0; j < s.rank; ++j) {
      K[t * s.rank + j] = dot(w.vt + j * n, r, n) * inv_n;
      const double c = dt * K[t * s.rank + j];
      const double* __restrict u = w.ut + j * n;
      for (int64_t i = 0; i < n; ++i) next[i] += c * u[i];
    }
    activate(activation, next, Rr + (t + 1) * n, n);
    y[b * T + t] = dot(w.z, Rr + (t + 1) * n, n) * inv_n;
  }
}

// Gradient accumulators of one thread: m, U^T, V^T, z.
struct Grads {
  std::vector<double> m, ut, vt, z;
  explicit Grads(const Shapes& s)
      : m(static_cast<size_t>(s.n)), ut(static_cast<size_t>(s.n * s.rank)), vt(static_cast<size_t>(s.n * s.rank)),
        z(static_cast<size_t>(s.n)) {}
};

// Backpropagation through time for one trial; g holds dL/dh_s while walking s = T..1.
__attribute__((target_clones("avx512f", "avx2", "default"))) void backward_trial(const Shapes& s, const Weights& w, RnnActivation activation, double dt, int64_t b,
                    const double* hs, const double* rs, const double* ks, const double* gy, Grads& out) {
  const int64_t n = s.n, T = s.steps, R = s.rank;
  const double inv_n = 1.0 / static_cast<double>(n);
  const double* H = hs + b * (T + 1) * n;
  const double* Rr = rs + b * (T + 1) * n;
  const double* K = ks + b * T * R;
  const double* xb = w.x + b * T;
  std::vector<double> g(static_cast<size_t>(n), 0.0), d(static_cast<size_t>(n)), back(static_cast<size_t>(n));
  std::vector<double> wr(static_cast<size_t>(R));
  derivative(activation, H + T * n, Rr + T * n, d.data(), n);
  for (int64_t t = T; t >= 1; --t) {
    // Output y_t = z . phi(h_t) / N; d holds phi'(h_t).
    const double gyt = gy[b * T + t - 1] * inv_n;
    const double* __restrict r = Rr + t * n;
    for (int64_t i = 0; i < n; ++i) {
      g[i] += gyt * w.z[i] * d[i];
      out.z[i] += gyt * r[i];
    }
    // Step t-1 -> t: h_t = (1 - dt) h_{t-1} + dt (U k_{t-1} + m x_{t-1}).
    const double cm = dt * xb[t - 1];
    for (int64_t i = 0; i < n; ++i) out.m[i] += cm * g[i];
    const double* __restrict r_prev = Rr + (t - 1) * n;
    std::fill(back.begin(), back.end(), 0.0);
    for (int64_t j = 0; j < R; ++j) {
      wr[j] = dt * dot(w.ut + j * n, g.data(), n) * inv_n;  // dL/dk_{t-1}, scaled by 1/N for V
      const double cu = dt * K[(t - 1) * R + j];
      double* __restrict gu = out.ut.data() + j * n;
      double* __restrict gv = out.vt.data() + j * n;
      const double* __restrict v = w.vt + j * n;
      for (int64_t i = 0; i < n; ++i) {
        gu[i] += cu * g[i];
        gv[i] += wr[j] * r_prev[i];
        back[i] += wr[j] * v[i];
      }
    }
    derivative(activation, H + (t - 1) * n, r_prev, d.data(), n);
    for (int64_t i = 0; i < n; ++i) g[i] = (1 - dt) * g[i] + d[i] * back[i];
  }
}

double* ptr(torch::Tensor& t) { return t.data_ptr<double>(); }

class FusedRnn : public torch::autograd::Function<FusedRnn> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& m,
                               const torch::Tensor& U, const torch::Tensor& V, const torch::Tensor& z,
                               int64_t activation, double dt) {
    const Shapes s{x.size(0), x.size(1), m.size(0), U.size(1)};
    torch::Tensor xc = x.contiguous(), mc = m.contiguous(), ut = U.t().contiguous(), vt = V.t().contiguous(),
                  zc = z.contiguous();
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor hs = torch::empty({s.batch, s.steps + 1, s.n}, f64);
    const auto act = static_cast<RnnActivation>(activation);
    torch::Tensor rs = act == RnnActivation::kLinear ? hs : torch::empty({s.batch, s.steps + 1, s.n}, f64);
    torch::Tensor ks = torch::empty({s.batch, s.steps, s.rank}, f64);
    torch::Tensor y = torch::empty({s.batch, s.steps}, f64);
    const Weights w{ptr(xc), ptr(mc), ptr(ut), ptr(vt), ptr(zc)};
    at::parallel_for(0, s.batch, 1, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) forward_trial(s, w, act, dt, b, ptr(hs), ptr(rs), ptr(ks), ptr(y));
    });
    ctx->saved_data["x"] = xc;
    ctx->saved_data["m"] = mc;
    ctx->saved_data["ut"] = ut;
    ctx->saved_data["vt"] = vt;
    ctx->saved_data["z"] = zc;
    ctx->saved_data["hs"] = hs;
    ctx->saved_data["rs"] = rs;
    ctx->saved_data["ks"] = ks;
    ctx->saved_data["activation"] = activation;
    ctx->saved_data["dt"] = dt;
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_out) {
    auto saved = [&](const char* key) { return ctx->saved_data[key].toTensor(); };
    torch::Tensor xc = saved("x"), mc = saved("m"), ut = saved("ut"), vt = saved("vt"), zc = saved("z");
    torch::Tensor hs = saved("hs"), rs = saved("rs"), ks = saved("ks");
    torch::Tensor gy = grad_out[0].to(torch::kFloat64).contiguous();
    const auto act = static_cast<RnnActivation>(ctx->saved_data["activation"].toInt());
    const double dt = ctx->saved_data["dt"].toDouble();
    const Shapes s{hs.size(0), hs.size(1) - 1, hs.size(2), ks.size(2)};
    const Weights w{ptr(xc), ptr(mc), ptr(ut), ptr(vt), ptr(zc)};
    // One accumulator per thread, summed after: trials run in parallel, gradients add up.
    std::vector<Grads> per_thread(static_cast<size_t>(at::get_num_threads()), Grads(s));
    at::parallel_for(0, s.batch, 1, [&](int64_t begin, int64_t end) {
      Grads& mine = per_thread[static_cast<size_t>(at::get_thread_num())];
      for (int64_t b = begin; b < end; ++b) backward_trial(s, w, act, dt, b, ptr(hs), ptr(rs), ptr(ks), ptr(gy), mine);
    });
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor gm = torch::zeros({s.n}, f64), gz = torch::zeros({s.n}, f64);
    torch::Tensor gut = torch::zeros({s.rank, s.n}, f64), gvt = torch::zeros({s.rank, s.n}, f64);
    for (auto& g : per_thread) {
      gm += torch::from_blob(g.m.data(), {s.n}, f64);
      gz += torch::from_blob(g.z.data(), {s.n}, f64);
      gut += torch::from_blob(g.ut.data(), {s.rank, s.n}, f64);
      gvt += torch::from_blob(g.vt.data(), {s.rank, s.n}, f64);
    }
    return {torch::Tensor(), gm, gut.t().contiguous(), gvt.t().contiguous(), gz, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_rnn_forward(const torch::Tensor& x, const torch::Tensor& m, const torch::Tensor& U,
                                const torch::Tensor& V, const torch::Tensor& z, RnnActivation activation, double dt) {
  for (const torch::Tensor* t : {&x, &m, &U, &V, &z}) {
    if (t->scalar_type() != torch::kFloat64) throw core::Error("fused RNN kernel: every tensor must be float64");
  }
  return FusedRnn::apply(x, m, U, V, z, static_cast<int64_t>(activation), dt);
}

}  // namespace netprobe::models
