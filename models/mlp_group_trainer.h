#pragma once
/// Training several MLPs of one architecture on one dataset at once: each member keeps its own
/// initial weights and batch order, and all members' layers are stacked into one batched model
/// ([members, out, in] weights, bmm). Forward, backward and the optimizer are written out as the
/// ATen calls autograd and torch::optim make for one model, so every member ends bit-identical
/// to training it alone with train::fit (tested): a member's numbers do not depend on which
/// members it trained with. One batched step costs less than the members' single steps: no
/// autograd graph, one call per operation for all members.
///
///   std::vector<MlpGroupMember> members = ...;  // initialized models, one data source each
///   auto histories = fit_mlp_group(members, {OptimizerKind::kAdam, 0.01}, train_config);
#include <vector>

#include "core/json_io.h"
#include "models/mlp.h"
#include "train/data_source.h"
#include "train/trainer.h"

namespace netprobe::models {

struct MlpGroupMember {
  Mlp model{nullptr};                         ///< initialized; trained in place
  train::TensorDataSource* source = nullptr;  ///< its batch order; all members share inputs and targets
  train::EpochEvalFn evaluate;                ///< optional, as for train::fit
  std::vector<train::EpochCallback> callbacks;
};

/// Trains every member for config.epochs epochs; returns each member's epoch records, with the
/// keys of train::fit's ("seconds" is the group's epoch time shared equally among members). The
/// progress bar shows the members' mean loss and all members' samples per second.
/// Members must share architecture, inputs, targets and batch size (core::Error otherwise); a
/// NaN or infinite loss throws core::Error naming config.label, the member, epoch and step.
std::vector<std::vector<core::Json>> fit_mlp_group(std::vector<MlpGroupMember>& members,
                                                   const train::OptimizerConfig& optimizer,
                                                   const train::TrainConfig& config);

}  // namespace netprobe::models
