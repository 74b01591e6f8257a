#include "train/optimizer.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::train {

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "adam") return OptimizerKind::kAdam;
  if (name == "sgd") return OptimizerKind::kSgd;
  throw core::UsageError(fmt::format("--optimizer: unknown optimizer '{}' (adam, sgd)", name));
}

std::string to_string(OptimizerKind kind) { return kind == OptimizerKind::kAdam ? "adam" : "sgd"; }

Optimizer::Optimizer(const std::vector<ParamGroup>& groups, const OptimizerConfig& config)
    : kind_(config.kind), base_lr_(config.lr) {
  if (!(config.lr > 0)) throw core::UsageError(fmt::format("--lr: must be > 0, got {}", config.lr));
  std::vector<torch::optim::OptimizerParamGroup> torch_groups;
  for (const auto& g : groups) {
    scales_.push_back(g.lr_scale);
    if (kind_ == OptimizerKind::kAdam) {
      torch_groups.emplace_back(g.params, std::make_unique<torch::optim::AdamOptions>(config.lr * g.lr_scale));
    } else {
      torch_groups.emplace_back(g.params,
                                std::make_unique<torch::optim::SGDOptions>(
                                    torch::optim::SGDOptions(config.lr * g.lr_scale).momentum(config.momentum)));
    }
  }
  if (kind_ == OptimizerKind::kAdam) {
    impl_ = std::make_unique<torch::optim::Adam>(torch_groups, torch::optim::AdamOptions(config.lr));
  } else {
    impl_ = std::make_unique<torch::optim::SGD>(torch_groups, torch::optim::SGDOptions(config.lr));
  }
}

void Optimizer::set_lr(double base_lr) {
  auto& groups = impl_->param_groups();
  for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(base_lr * scales_[i]);
}

}  // namespace netprobe::train
