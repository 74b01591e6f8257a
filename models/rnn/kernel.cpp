#include "models/rnn/kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/Parallel.h>

#include "core/errors.h"

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

struct Shapes {
  int64_t batch, steps, n, rank;
  int64_t lag;  ///< output k reads h_{k + lag} (readout_lag)
};

// Raw views of the parameters, with U and V transposed to [R, N] so every loop runs along N.
struct Weights {
  const double* x;
  const double* m;
  const double* ut;
  const double* vt;
  const double* z;
};

// Saved states h_t (or phi(h_t)) for t = 0..T, one time step of the whole batch contiguous
// ([batch, N]) so the nonlinearity and its derivative run as one vectorized LibTorch call per
// step. Steps are grouped into blocks of at most ~4 MiB: a single [T+1, batch, N] buffer
// (51 MB for 32 trials) is above glibc's largest mmap threshold, so every epoch would fault in
// fresh pages, which cost more than the arithmetic.
class StepBlocks {
 public:
  StepBlocks(int64_t steps, int64_t batch, int64_t n) : stride_(batch * n) {
    constexpr int64_t kBlockBytes = 4 << 20;
    per_block_ = std::max<int64_t>(1, kBlockBytes / (stride_ * static_cast<int64_t>(sizeof(double))));
    for (int64_t t = 0; t < steps; t += per_block_) {
      blocks_.push_back(torch::empty({std::min(per_block_, steps - t), batch, n}, torch::kFloat64));
    }
  }
  explicit StepBlocks(std::vector<torch::Tensor> blocks)
      : blocks_(std::move(blocks)), per_block_(blocks_.front().size(0)), stride_(blocks_.front()[0].numel()) {}
  /// Step t of the batch, [batch, N].
  torch::Tensor step(int64_t t) const { return blocks_[static_cast<size_t>(t / per_block_)][t % per_block_]; }
  double* at(int64_t t) const {
    return blocks_[static_cast<size_t>(t / per_block_)].data_ptr<double>() + (t % per_block_) * stride_;
  }
  const std::vector<torch::Tensor>& blocks() const { return blocks_; }

 private:
  std::vector<torch::Tensor> blocks_;
  int64_t per_block_, stride_;
};

struct States {
  const StepBlocks& h;  ///< h_0..h_T
  const StepBlocks& r;  ///< phi(h_0)..phi(h_T); the same blocks as h for linear phi
  double* ks;           ///< k_t = V^T phi(h_t) / N, [T, batch, R]
  const Shapes& s;
  double* h_at(int64_t t, int64_t b) const { return h.at(t) + b * s.n; }
  const double* r_at(int64_t t, int64_t b) const { return r.at(t) + b * s.n; }
  double* k(int64_t t, int64_t b) const { return ks + (t * s.batch + b) * s.rank; }
};

// Readout of h_t (output t - lag, if there is one), then the pre-activation h_{t+1} of trial b
// from h_t and phi(h_t), recording k_t.
// Compiled for AVX-512, AVX2 and baseline x86-64, picked at load time (the loops run along N).
__attribute__((target_clones("avx512f", "avx2", "default"))) void step_trial(const Shapes& s, const Weights& w,
                                                                             const States& st, double dt, int64_t t,
                                                                             int64_t b, double* y) {
  const int64_t n = s.n;
  const double inv_n = 1.0 / static_cast<double>(n);
  const double* __restrict h = st.h_at(t, b);
  const double* __restrict r = st.r_at(t, b);
  double* __restrict next = st.h_at(t + 1, b);
  double* k = st.k(t, b);
  if (t >= s.lag) y[b * s.steps + t - s.lag] = dot(w.z, r, n) * inv_n;
  const double drive = dt * w.x[b * s.steps + t];
  for (int64_t i = 0; i < n; ++i) next[i] = (1 - dt) * h[i] + drive * w.m[i];
  for (int64_t j = 0; j < s.rank; ++j) {
    k[j] = dot(w.vt + j * n, r, n) * inv_n;
    const double c = dt * k[j];
    const double* __restrict u = w.ut + j * n;
    for (int64_t i = 0; i < n; ++i) next[i] += c * u[i];
  }
}

// Gradient accumulators of one thread: m, U^T, V^T, z.
struct Grads {
  std::vector<double> m, ut, vt, z;
  explicit Grads(const Shapes& s)
      : m(static_cast<size_t>(s.n)),
        ut(static_cast<size_t>(s.n * s.rank)),
        vt(static_cast<size_t>(s.n * s.rank)),
        z(static_cast<size_t>(s.n)) {}
};

// One step of backpropagation through time for trial b: on entry g = dL/dh_t minus the
// readout's share, on exit g = dL/dh_{t-1} minus its readout's share. d_t and d_prev are
// phi'(h_t) and phi'(h_{t-1}) of this trial, or null for linear phi (phi' = 1).
__attribute__((target_clones("avx512f", "avx2", "default"))) void backward_step(const Shapes& s, const Weights& w,
                                                                                const States& st, const double* d_t,
                                                                                const double* d_prev, double dt,
                                                                                int64_t t, int64_t b, const double* gy,
                                                                                double* g, double* back, Grads& out) {
  const int64_t n = s.n, T = s.steps;
  const double inv_n = 1.0 / static_cast<double>(n);
  double* __restrict gp = g;
  double* __restrict bk = back;
  // Output t - lag = z . phi(h_t) / N (none for h_T when the readout comes before the update).
  if (t - s.lag < T) {
    const double gyt = gy[b * T + t - s.lag] * inv_n;
    const double* __restrict r = st.r_at(t, b);
    if (d_t) {
      for (int64_t i = 0; i < n; ++i) gp[i] += gyt * w.z[i] * d_t[i];
    } else {
      for (int64_t i = 0; i < n; ++i) gp[i] += gyt * w.z[i];
    }
    for (int64_t i = 0; i < n; ++i) out.z[i] += gyt * r[i];
  }
  // Step t-1 -> t: h_t = (1 - dt) h_{t-1} + dt (U k_{t-1} + m x_{t-1}).
  const double cm = dt * w.x[b * T + t - 1];
  for (int64_t i = 0; i < n; ++i) out.m[i] += cm * gp[i];
  const double* __restrict r_prev = st.r_at(t - 1, b);
  const double* k_prev = st.k(t - 1, b);
  std::fill(bk, bk + n, 0.0);
  for (int64_t j = 0; j < s.rank; ++j) {
    const double wr = dt * dot(w.ut + j * n, gp, n) * inv_n;  // dL/dk_{t-1}, times 1/N for V
    const double cu = dt * k_prev[j];
    double* __restrict gu = out.ut.data() + j * n;
    double* __restrict gv = out.vt.data() + j * n;
    const double* __restrict v = w.vt + j * n;
    for (int64_t i = 0; i < n; ++i) {
      gu[i] += cu * gp[i];
      gv[i] += wr * r_prev[i];
      bk[i] += wr * v[i];
    }
  }
  if (d_prev) {
    for (int64_t i = 0; i < n; ++i) gp[i] = (1 - dt) * gp[i] + d_prev[i] * bk[i];
  } else {
    for (int64_t i = 0; i < n; ++i) gp[i] = (1 - dt) * gp[i] + bk[i];
  }
}

// phi(h) of one step of the whole batch, vectorized by LibTorch.
void activate_step(RnnActivation activation, const torch::Tensor& h, torch::Tensor r) {
  if (activation == RnnActivation::kTanh) torch::tanh_out(r, h);
  if (activation == RnnActivation::kErfS) torch::erf_out(r, h * kErfScale);
}

// phi'(h) of one step of the whole batch: 1 - tanh^2, or exp(-pi h^2 / 4) for erf_s.
void derivative_step(RnnActivation activation, const torch::Tensor& h, const torch::Tensor& r, torch::Tensor d) {
  if (activation == RnnActivation::kTanh) {
    torch::mul_out(d, r, r);
    d.neg_().add_(1.0);
  } else {
    torch::mul_out(d, h, h);
    d.mul_(-kErfScale * kErfScale).exp_();
  }
}

double* ptr(torch::Tensor& t) { return t.data_ptr<double>(); }

class FusedRnn : public torch::autograd::Function<FusedRnn> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& m,
                               const torch::Tensor& U, const torch::Tensor& V, const torch::Tensor& z,
                               int64_t activation, double dt) {
    const auto act = static_cast<RnnActivation>(activation);
    const Shapes s{x.size(0), x.size(1), m.size(0), U.size(1), readout_lag(act)};
    const bool linear = act == RnnActivation::kLinear;
    torch::Tensor xc = x.contiguous(), mc = m.contiguous(), ut = U.t().contiguous(), vt = V.t().contiguous(),
                  zc = z.contiguous();
    const StepBlocks hs(s.steps + 1, s.batch, s.n);
    const StepBlocks rs = linear ? hs : StepBlocks(s.steps + 1, s.batch, s.n);
    torch::Tensor ks = torch::empty({s.steps, s.batch, s.rank}, torch::kFloat64);
    hs.step(0).zero_();
    rs.step(0).zero_();  // phi(0) = 0 for all three activations
    const Weights w{ptr(xc), ptr(mc), ptr(ut), ptr(vt), ptr(zc)};
    const States st{hs, rs, ptr(ks), s};
    torch::Tensor y = torch::empty({s.batch, s.steps}, torch::kFloat64);
    for (int64_t t = 0; t < s.steps; ++t) {
      at::parallel_for(0, s.batch, 1, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) step_trial(s, w, st, dt, t, b, ptr(y));
      });
      if (!linear) activate_step(act, hs.step(t + 1), rs.step(t + 1));
    }
    for (int64_t b = 0; s.lag == 1 && b < s.batch; ++b) {  // the last output reads h_T
      y[b][s.steps - 1] = dot(w.z, st.r_at(s.steps, b), s.n) / static_cast<double>(s.n);
    }
    ctx->saved_data["x"] = xc;
    ctx->saved_data["ut"] = ut;
    ctx->saved_data["vt"] = vt;
    ctx->saved_data["z"] = zc;
    ctx->saved_data["hs"] = hs.blocks();
    ctx->saved_data["rs"] = rs.blocks();
    ctx->saved_data["ks"] = ks;
    ctx->saved_data["activation"] = activation;
    ctx->saved_data["dt"] = dt;
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_out) {
    auto saved = [&](const char* key) { return ctx->saved_data[key].toTensor(); };
    torch::Tensor xc = saved("x"), ut = saved("ut"), vt = saved("vt"), zc = saved("z"), ks = saved("ks");
    const StepBlocks hs(ctx->saved_data["hs"].toTensorVector());
    const StepBlocks rs(ctx->saved_data["rs"].toTensorVector());
    torch::Tensor gy = grad_out[0].to(torch::kFloat64).contiguous();
    const auto act = static_cast<RnnActivation>(ctx->saved_data["activation"].toInt());
    const bool linear = act == RnnActivation::kLinear;
    const double dt = ctx->saved_data["dt"].toDouble();
    const Shapes s{ks.size(1), ks.size(0), ut.size(1), ks.size(2), readout_lag(act)};
    const Weights w{ptr(xc), nullptr, ptr(ut), ptr(vt), ptr(zc)};
    const States st{hs, rs, ptr(ks), s};
    // dL/dh of every trial, and phi' of the current and previous step (two alternating buffers).
    torch::Tensor g = torch::zeros({s.batch, s.n}, torch::kFloat64),
                  back = torch::empty({s.batch, s.n}, torch::kFloat64);
    torch::Tensor d_cur = torch::empty({s.batch, s.n}, torch::kFloat64), d_prev = torch::empty_like(d_cur);
    if (!linear) derivative_step(act, hs.step(s.steps), rs.step(s.steps), d_cur);
    // One accumulator per thread, summed after: trials run in parallel, gradients add up.
    std::vector<Grads> per_thread(static_cast<size_t>(at::get_num_threads()), Grads(s));
    for (int64_t t = s.steps; t >= 1; --t) {
      if (!linear) derivative_step(act, hs.step(t - 1), rs.step(t - 1), d_prev);
      at::parallel_for(0, s.batch, 1, [&](int64_t begin, int64_t end) {
        Grads& mine = per_thread[static_cast<size_t>(at::get_thread_num())];
        for (int64_t b = begin; b < end; ++b) {
          const double* dc = linear ? nullptr : ptr(d_cur) + b * s.n;
          const double* dp = linear ? nullptr : ptr(d_prev) + b * s.n;
          backward_step(s, w, st, dc, dp, dt, t, b, ptr(gy), ptr(g) + b * s.n, ptr(back) + b * s.n, mine);
        }
      });
      std::swap(d_cur, d_prev);
    }
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor gm = torch::zeros({s.n}, f64), gz = torch::zeros({s.n}, f64);
    torch::Tensor gut = torch::zeros({s.rank, s.n}, f64), gvt = torch::zeros({s.rank, s.n}, f64);
    for (auto& acc : per_thread) {
      gm += torch::from_blob(acc.m.data(), {s.n}, f64);
      gz += torch::from_blob(acc.z.data(), {s.n}, f64);
      gut += torch::from_blob(acc.ut.data(), {s.rank, s.n}, f64);
      gvt += torch::from_blob(acc.vt.data(), {s.rank, s.n}, f64);
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
