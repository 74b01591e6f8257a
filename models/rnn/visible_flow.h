#pragma once
/// Learning followed in the visible block X = Sigma_AB alone ((R+1)^2 numbers: 4 for rank 1),
/// linear phi, and the balanced start that makes this exact (LOWRANK.md):
///
///   balanced: K = A A^T - B B^T = 0 at the start, which the gradient flow keeps; then
///             Sigma_AA = (X X^T)^{1/2} and Sigma_BB = (X^T X)^{1/2}, so the overlap flow closes on X:
///                 dX/dt = -2 eta (Sigma_AA E_AB + E_AB Sigma_BB)
///   plain:    dX/dt = -4 eta E_AB, plain gradient flow of the loss in X with the invisible overlaps
///             frozen; the overlap flow where Sigma_AA = Sigma_BB = I, wrong wherever they are not.
///
///   torch::Tensor c = balanced_vectors(500, 1, gen);          // K = 0
///   auto r = visible_flow_trajectory(overlap_matrix(c), task_of_epoch, dynamics, schedule, VisibleFlow::kBalanced);
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include "models/rnn/overlap_trajectory.h"

namespace netprobe::models {

enum class VisibleFlow { kBalanced, kPlain };

/// Vectors C = [A | B] with K = 0: B Gaussian, each column rescaled to |b|^2 / N = kBalancedNorm,
/// and A = B Q for a random orthogonal Q, so Sigma_AA = Q^T Sigma_BB Q and Sigma_AB = Q^T Sigma_BB.
constexpr double kBalancedNorm = 0.25;
torch::Tensor balanced_vectors(int64_t n, int64_t rank, at::Generator& gen);

/// The overlap matrix of a balanced network whose visible block is x: Sigma_AA = (x x^T)^{1/2},
/// Sigma_BB = (x^T x)^{1/2}.
torch::Tensor balanced_sigma(const torch::Tensor& x);

/// The trajectory of X from sigma0's visible block, one Euler step of the flow per epoch (as
/// Integrator::kEuler), recorded as theory_trajectory records. kBalanced records the balanced
/// Sigma of X; kPlain records sigma0 with its visible block replaced. UsageError for nonlinear
/// phi, whose loss sees Sigma_BB too.
std::vector<OverlapRecord> visible_flow_trajectory(const torch::Tensor& sigma0, const TaskOfEpoch& task_of_epoch,
                                                   const RnnDynamics& dynamics, const GdSchedule& schedule,
                                                   VisibleFlow flow);

}  // namespace netprobe::models
