#pragma once
/// The twin geometry of perturbation by learning (LOWRANK.md): a twin of a network with the same
/// loss-visible overlaps and different loss-invisible ones (the experiment is
/// experiments/rnn_twins.h). Two constructions:
///
///   AuthorsTwinChange change;  change.mu = 0.8;                          // the authors' sigma_mu
///   torch::Tensor c2 = make_authors_twin(rnn->vectors(), 1, change);      // |u|^2 x 2, v re-solved
///   torch::Tensor c3 = make_twin(rnn->vectors(), 1, RnnActivation::kLinear, 2.0, gen);  // C -> [PA | P^-T B]
#include <optional>
#include <string>

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include "models/rnn/low_rank_rnn.h"

namespace netprobe::models {

enum class TwinConstruction { kAuthors, kStretch };
/// Parses authors|stretch; UsageError naming --construction otherwise.
TwinConstruction parse_twin_construction(const std::string& name);
std::string to_string(TwinConstruction construction);

/// C' = [P A | P^-T B] with P = I + (s - 1) q q^T for a unit vector q (so P^-T = I + (1/s - 1) q q^T)
/// keeps Sigma_AB = A^T B / N exactly. Linear phi: q is a random direction in span(C), which
/// changes Sigma_AA and Sigma_BB. Nonlinear phi: Sigma_BB is visible too, so q is taken in span(A)
/// orthogonal to span(B) (then P^-T B = B) and only Sigma_AA changes.
torch::Tensor make_twin(const torch::Tensor& c, int64_t rank, RnnActivation activation, double stretch,
                        at::Generator& gen);

/// The change of the write side: every |u_j|^2 / N set to `u_norm` (else times `u_norm_scale`),
/// every sigma_{m u_j} set to `mu` (the authors set an absolute 0.8; else plus `mu_shift`).
struct AuthorsTwinChange {
  double u_norm_scale = 2.0;
  double mu_shift = 0.3;
  std::optional<double> u_norm;
  std::optional<double> mu;
};

/// The authors' twin: u_j' = u_j + a_j e + (c_j - 1) r_j, with e the unit direction of m orthogonal
/// to z (a_j sets sigma_{m u_j}) and r_j the part of u_j orthogonal to z, V and m (c_j sets |u_j|^2),
/// so z.u_j is kept; then v_j' = v_j + [m, U'] x_j re-solved so that v.m and v.u are kept. m and z
/// are unchanged, so Sigma_AB (z.m, z.u, v.m, v.u) is kept exactly while |u|^2, sigma_mu
/// (Sigma_BB) and |v|^2, sigma_zv (Sigma_AA) change: an exact twin for linear phi. For nonlinear
/// phi Sigma_BB enters the gain, so even the closure sees a different function; the output gap
/// measured before learning says by how much. Deterministic. UsageError (naming --stretch or
/// --u-norm) when |u_j|^2 cannot be reached.
torch::Tensor make_authors_twin(const torch::Tensor& c, int64_t rank, const AuthorsTwinChange& change);

}  // namespace netprobe::models
