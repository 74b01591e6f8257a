#pragma once
/// Learning in overlap space (LOWRANK.md). Overlaps Sigma = C^T C / N of C = [z, v.., m, u..];
/// the loss depends on the vectors only through Sigma (exactly for linear phi, through a
/// Gaussian closure otherwise), so gradient descent can be followed in Sigma alone:
///   exact discrete map (linear):  Sigma <- (I - 2 eta E) Sigma (I - 2 eta E),  E = sym dL/dSigma
///   gradient flow:                dSigma/dt = -2 eta (E Sigma + Sigma E)
#include <string>
#include <vector>

#include "models/rnn/low_rank_rnn.h"
#include "models/rnn/tasks.h"

namespace netprobe::models {

/// Positions in Sigma for rank R: z, v_1..v_R (read side A), then m, u_1..u_R (write side B).
struct OverlapLayout {
  int64_t rank = 1;
  int64_t size() const { return 2 * rank + 2; }
  int64_t z() const { return 0; }
  int64_t v(int64_t i) const { return 1 + i; }
  int64_t m() const { return rank + 1; }
  int64_t u(int64_t i) const { return rank + 2 + i; }
  /// Names of the upper-triangle entries in row-major order: "|z|^2", "z.v1", ..., "|u1|^2".
  std::vector<std::string> entry_names() const;
};

/// Sigma = C^T C / N.
torch::Tensor overlap_matrix(const torch::Tensor& c);

/// 1 where the loss can depend on an entry: the A-B block (linear), plus the B-B block for
/// tanh and erf_s (through the population variance Delta). The rest is loss-invisible.
torch::Tensor visible_mask(int64_t rank, RnnActivation activation);

/// Outputs [batch, T] of the latent (R+1)-dimensional model for overlaps `sigma`.
torch::Tensor latent_outputs(const torch::Tensor& sigma, const torch::Tensor& inputs, const RnnDynamics& dynamics);

/// E = sym(dL/dSigma). Linear phi: exactly, from the fused kernel on a (2R+2)-neuron network
/// realizing Sigma; otherwise (or if Sigma is singular) the latent model's hand-written adjoint
/// (latent_adjoint.h).
torch::Tensor overlap_gradient(const torch::Tensor& sigma, const RnnTaskData& task, const RnnDynamics& dynamics,
                               double* loss = nullptr);
/// E by automatic differentiation through the latent model (Gaussian closure for tanh, erf_s):
/// the reference the adjoint is tested and benchmarked against.
torch::Tensor latent_overlap_gradient(const torch::Tensor& sigma, const RnnTaskData& task, const RnnDynamics& dynamics,
                                      double* loss = nullptr);

/// One step of vector gradient descent at rate eta*N, seen in overlap space (exact for linear).
torch::Tensor exact_map_step(const torch::Tensor& sigma, const torch::Tensor& e, double eta);

enum class FlowMethod { kEuler, kRk4 };
/// One step of length h (in epochs) of the gradient flow from sigma, whose E is given.
torch::Tensor flow_step(const torch::Tensor& sigma, const torch::Tensor& e, const RnnTaskData& task,
                        const RnnDynamics& dynamics, double eta, double h, FlowMethod method);
/// Integrates the gradient flow over `epochs` (time in units of GD steps), `substeps` per epoch.
/// Returns Sigma after each epoch ([epochs + 1, k, k], including the start).
torch::Tensor integrate_flow(const torch::Tensor& sigma0, const RnnTaskData& task, const RnnDynamics& dynamics,
                             double eta, int64_t epochs, FlowMethod method, int64_t substeps = 1);

/// Quantities the gradient flow conserves: eigenvalues of S Sigma with S = diag(+1 on A, -1 on
/// B) (linear), Sigma_vv - Sigma_uu (any phi), sigma_zz - sigma_mm (linear), flattened.
torch::Tensor flow_invariants(const torch::Tensor& sigma, int64_t rank);

struct NamedQuantity {
  std::string name;
  torch::Tensor value;
};
/// The quantities the gradient flow conserves for `activation`, by name: "VtV-UtU" for any phi
/// (the loss sees U and V only through J = U V^T), and for linear phi also "|z|^2-|m|^2" (the
/// loss is then blind to z -> a z, m -> m / a) and "spec(S Sigma)". GD keeps them to O(eta^2) per
/// step; Adam does not keep them.
std::vector<NamedQuantity> conserved_quantities(const torch::Tensor& sigma, int64_t rank, RnnActivation activation);

/// Per conserved quantity of `activation`, by name: max |after - before| over max |Sigma before|
/// (scale-free, and meaningful also for a quantity near 0).
std::vector<std::pair<std::string, double>> invariant_drifts(const torch::Tensor& before, const torch::Tensor& after,
                                                             int64_t rank, RnnActivation activation);

/// <phi'(sqrt(Delta) xi)>, xi ~ N(0, 1): 1 for linear, (1 + pi Delta / 2)^(-1/2) for erf_s,
/// a 2001-point trapezoid rule on [-10, 10] for tanh. Differentiable in Delta.
torch::Tensor gain(RnnActivation activation, const torch::Tensor& delta);

}  // namespace netprobe::models
