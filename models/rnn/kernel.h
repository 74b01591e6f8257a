#pragma once
/// The low-rank RNN's forward pass and its backpropagation through time as one autograd node.
///
/// An eager loop records about ten small ops per time step (T = 400 gives ~4000 nodes per
/// epoch), and at N = 500 each op does microseconds of overhead for nanoseconds of arithmetic.
/// This kernel runs the whole recurrence in plain loops, keeps h_t and phi(h_t) for every step,
/// and hands autograd exact gradients for m, U, V and z in one backward call.
#include <torch/torch.h>

#include "models/rnn/low_rank_rnn.h"

namespace netprobe::models {

/// y [batch, T] for inputs x [batch, T] (float64, contiguous), differentiable in m, U, V, z.
/// Identical in value to the step-by-step definition in low_rank_rnn.h (tested to round-off).
torch::Tensor fused_rnn_forward(const torch::Tensor& x, const torch::Tensor& m, const torch::Tensor& U,
                                const torch::Tensor& V, const torch::Tensor& z, RnnActivation activation, double dt);

}  // namespace netprobe::models
