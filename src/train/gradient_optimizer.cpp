#include "train/gradient_optimizer.h"

#include <cmath>

namespace netprobe::train {

GradientOptimizer::GradientOptimizer(const OptimizerConfig& config, size_t tensors)
    : config_(config), states_(tensors) {}

void GradientOptimizer::step(size_t index, torch::Tensor& param, const torch::Tensor& grad, double lr) {
  torch::NoGradGuard no_grad;
  State& s = states_.at(index);
  if (config_.kind == OptimizerKind::kAdam) {
    // torch::optim::Adam::step (1.13) with its defaults: betas (0.9, 0.999), eps 1e-8, no weight
    // decay, no amsgrad. The double-valued scalars are what it passes, so they round alike.
    constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    if (!s.exp_avg.defined()) {
      s.exp_avg = torch::zeros_like(param, torch::MemoryFormat::Preserve);
      s.exp_avg_sq = torch::zeros_like(param, torch::MemoryFormat::Preserve);
    }
    ++s.steps;
    const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(s.steps));
    const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(s.steps));
    s.exp_avg.mul_(beta1).add_(grad, 1 - beta1);
    s.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    const torch::Tensor denom = (s.exp_avg_sq.sqrt() / std::sqrt(bias_correction2)).add_(eps);
    param.addcdiv_(s.exp_avg, denom, -(lr / bias_correction1));
    return;
  }
  // torch::optim::SGD::step (1.13) with its defaults: no dampening, weight decay or Nesterov.
  constexpr double dampening = 0;
  torch::Tensor d_p = grad;
  if (config_.momentum != 0) {
    if (!s.momentum_buffer.defined()) {
      s.momentum_buffer = torch::clone(d_p).detach();
    } else {
      s.momentum_buffer.mul_(config_.momentum).add_(d_p, 1 - dampening);
    }
    d_p = s.momentum_buffer;
  }
  param.add_(d_p, -1 * lr);
}

}  // namespace netprobe::train
