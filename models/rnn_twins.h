#pragma once
/// The twin geometry of perturbation by learning (LOWRANK.md): a twin of a network with the same
/// loss-visible overlaps and different loss-invisible ones (the experiment is
/// experiments/rnn_twins.h).
///
///   torch::Tensor c2 = make_twin(rnn->vectors(), 1, RnnActivation::kLinear, 2.0, gen);
#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include "models/low_rank_rnn.h"

namespace netprobe::models {

/// C' = [P A | P^-T B] with P = I + (s - 1) q q^T for a unit vector q (so P^-T = I + (1/s - 1) q q^T)
/// keeps Sigma_AB = A^T B / N exactly. Linear phi: q is a random direction in span(C), which
/// changes Sigma_AA and Sigma_BB. Nonlinear phi: Sigma_BB is visible too, so q is taken in span(A)
/// orthogonal to span(B) (then P^-T B = B) and only Sigma_AA changes.
torch::Tensor make_twin(const torch::Tensor& c, int64_t rank, RnnActivation activation, double stretch,
                        at::Generator& gen);

}  // namespace netprobe::models
