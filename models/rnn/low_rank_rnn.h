#pragma once
/// The low-rank RNN of LOWRANK.md (Ger & Barak's notation): N neurons, rank R, activation phi,
/// forward Euler with step dt, h_0 = 0:
///   h_{t+1} = h_t + dt (-h_t + (1/N) U V^T phi(h_t) + m x_t)
/// read out as the authors do: linear phi after the step, y_t = (1/N) z^T h_t for t = 1..T (y_1
/// scored at time 0); tanh and erf_s before it, y_t = (1/N) z^T phi(h_{t-1}) (so y_1 = 0).
///
///   LowRankRnn rnn(LowRankRnnOptions(500, 1).dt(0.05).steps(400));
///   auto gen = core::make_generator(0);
///   rnn->init_random(gen);                     // each vector Gaussian, |a|^2 / N = 1
///   torch::Tensor y = rnn->forward(x);         // x [batch, T] -> y [batch, T]
///
/// Parameters (stable names, used by probes and checkpoints): m [N], U [N, R], V [N, R], z [N].
#include <string>

#include <ATen/core/Generator.h>
#include <torch/torch.h>

namespace netprobe::models {

enum class RnnActivation { kLinear, kTanh, kErfS };
/// Parses linear|tanh|erf_s; UsageError otherwise.
RnnActivation parse_rnn_activation(const std::string& name);
std::string to_string(RnnActivation activation);
/// phi(x); erf_s(x) = erf(sqrt(pi) x / 2), so phi'(0) = 1 for all three.
torch::Tensor rnn_activation(RnnActivation activation, const torch::Tensor& x);
/// Output k (0-based) reads state h_{k + lag}: 1 for linear phi (after the update), 0 for tanh and
/// erf_s (before it), the authors' conventions. The kernel, the eager reference and the latent
/// model all take it from here.
int64_t readout_lag(RnnActivation activation);

/// What the latent model and the overlap theory need of a network apart from its size: rank R,
/// activation phi and Euler step dt (N and T come from the vectors and the data).
struct RnnDynamics {
  int64_t rank = 1;
  RnnActivation activation = RnnActivation::kLinear;
  double dt = 0.05;
};

struct LowRankRnnOptions {
  LowRankRnnOptions(int64_t n, int64_t rank) : n_(n), rank_(rank) {}
  TORCH_ARG(int64_t, n);
  TORCH_ARG(int64_t, rank);
  TORCH_ARG(RnnActivation, activation) = RnnActivation::kLinear;
  TORCH_ARG(double, dt) = 0.05;
  TORCH_ARG(int64_t, steps) = 400;  ///< T
  RnnDynamics dynamics() const { return {rank(), activation(), dt()}; }
};

/// UsageError for rank < 1, N < rank, dt <= 0 or T < 1, naming the option.
void validate(const LowRankRnnOptions& options);

class LowRankRnnImpl : public torch::nn::Module {
 public:
  explicit LowRankRnnImpl(LowRankRnnOptions options);
  /// Inputs [batch, T] -> outputs [batch, T] (y_1 .. y_T), through the fused kernel.
  torch::Tensor forward(const torch::Tensor& x);
  /// The same recurrence as one LibTorch op per step (~10 autograd nodes a step): the
  /// reference the fused kernel is tested against and the benchmark's baseline.
  torch::Tensor forward_eager(const torch::Tensor& x);
  /// Every vector Gaussian, rescaled to |a|^2 / N = 1.
  void init_random(at::Generator& gen);
  /// Vectors with the prescribed overlap matrix sigma0 ((2R+2) x (2R+2), order z, v.., m, u..):
  /// C = Q sqrt(N) chol(sigma0)^T with Q a random N x (2R+2) orthonormal basis.
  void init_from_overlaps(const torch::Tensor& sigma0, at::Generator& gen);
  /// C = [z, v_1..v_R, m, u_1..u_R] (N x (2R+2)): read side A, then write side B.
  torch::Tensor vectors() const;
  /// Sets all four parameters from C (inverse of vectors()).
  void set_vectors(const torch::Tensor& c);
  const LowRankRnnOptions& options() const { return options_; }

  torch::Tensor m, U, V, z;

 private:
  LowRankRnnOptions options_;
};
TORCH_MODULE(LowRankRnn);

}  // namespace netprobe::models
