#pragma once
/// Optimizers with per-parameter-group learning rates (the low-rank RNN trains its vectors at
/// rate eta*N while other parameters may use another rate).
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace netprobe::train {

enum class OptimizerKind { kAdam, kSgd };
OptimizerKind parse_optimizer(const std::string& name);
std::string to_string(OptimizerKind kind);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kAdam;
  double lr = 0.01;
  double momentum = 0.0;  ///< SGD only
};

/// A set of parameters trained at lr_scale times the optimizer's (scheduled) learning rate.
struct ParamGroup {
  std::vector<torch::Tensor> params;
  double lr_scale = 1.0;
};

/// An optimizer plus the group scales, so the schedule can set every group's rate each epoch.
class Optimizer {
 public:
  Optimizer(const std::vector<ParamGroup>& groups, const OptimizerConfig& config);
  /// The rate it was made with: the one place a run's learning rate is set (a schedule scales it).
  double base_lr() const { return base_lr_; }
  /// Sets each group's rate to base_lr * group scale.
  void set_lr(double base_lr);
  void zero_grad() { impl_->zero_grad(); }
  void step() { impl_->step(); }

 private:
  std::unique_ptr<torch::optim::Optimizer> impl_;
  std::vector<double> scales_;
  OptimizerKind kind_;
  double base_lr_;
};

}  // namespace netprobe::train
