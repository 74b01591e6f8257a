#pragma once
/// Adam and SGD applied to tensors with gradients computed by hand (no autograd), with the exact
/// arithmetic of torch::optim::Adam / SGD in LibTorch 1.13: the same ATen operations in the same
/// order, so a parameter updated here ends bit-identical to one updated by train::Optimizer
/// (tested). Every operation is elementwise, so a tensor may hold several models' parameters
/// stacked along a leading dimension (models/mlp_group_trainer.h).
///
///   GradientOptimizer opt({OptimizerKind::kAdam, 0.01}, 2);   // two parameter tensors
///   opt.step(0, w, grad_w, lr);  opt.step(1, b, grad_b, lr);  // once per training step each
#include <vector>

#include <torch/torch.h>

#include "train/optimizer.h"

namespace netprobe::train {

class GradientOptimizer {
 public:
  GradientOptimizer(const OptimizerConfig& config, size_t tensors);
  /// Updates `param` in place from `grad` at rate `lr`; `index` names its state (moments, step).
  void step(size_t index, torch::Tensor& param, const torch::Tensor& grad, double lr);

 private:
  struct State {
    torch::Tensor exp_avg, exp_avg_sq;  // Adam
    torch::Tensor momentum_buffer;      // SGD with momentum
    int64_t steps = 0;
  };
  OptimizerConfig config_;
  std::vector<State> states_;
};

}  // namespace netprobe::train
