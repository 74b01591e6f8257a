#pragma once
/// The overlap gradient E = sym(dL/dSigma) of the latent model (overlap_theory.h) by a
/// hand-written adjoint pass in plain double arithmetic: the latent state is R+1 numbers per
/// trial, so autograd's ~20 graph nodes per time step cost far more than the arithmetic.
///
///   double loss = 0;
///   torch::Tensor e = latent_overlap_gradient_adjoint(sigma, task, {rank, RnnActivation::kTanh, dt}, &loss);
///
/// The gain g(Delta) of tanh comes from a table of the same quadrature that `gain` uses, with
/// cubic Hermite interpolation in Delta (relative error below 1e-9 for Delta <= 64; beyond the
/// table the quadrature is evaluated directly). erf_s and linear are exact.
#include "models/rnn/overlap_theory.h"

namespace netprobe::models {

/// g(Delta) and dg/dDelta of the Gaussian closure for `activation`.
double closure_gain(RnnActivation activation, double delta, double* dgain);

/// E and (if `loss` is set) the loss, as latent_overlap_gradient computes them with autograd.
torch::Tensor latent_overlap_gradient_adjoint(const torch::Tensor& sigma, const RnnTaskData& task,
                                              const RnnDynamics& dynamics, double* loss = nullptr);

}  // namespace netprobe::models
