#pragma once
/// The one training loop, shared by the MLP classifiers and the low-rank RNNs.
///
///   train::Optimizer opt({{model->parameters(), 1.0}}, {OptimizerKind::kAdam, 0.01});
///   train::TensorDataSource source(x, y, 128, seed);
///   auto history = train::fit(opt, source, classification_step(forward), config, evaluate, {log});
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/json_io.h"
#include "train/data_source.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"

namespace netprobe::train {

/// What one step of the model produced: the loss to minimize and, for classifiers, the
/// number of correct predictions in the batch.
struct StepOutput {
  torch::Tensor loss;
  torch::Tensor correct;  ///< scalar count of correct predictions; undefined if the task has none
};

using StepFn = std::function<StepOutput(const Batch&)>;
/// Metrics computed at the end of an epoch (e.g. test accuracy), merged into its record.
using EpochEvalFn = std::function<core::Json(int epoch)>;
/// Called with each finished epoch's record: JSON-lines logging, overlap tracking, early stop.
using EpochCallback = std::function<void(const core::Json& record)>;

struct TrainConfig {
  int epochs = 10;
  LrScheduleKind schedule = LrScheduleKind::kCosine;
  bool progress = true;  ///< progress bar on stderr (only if it is a terminal)
  std::string label = "train";
};

/// Trains for config.epochs epochs. Each record holds epoch (1-based), lr, loss (mean over
/// examples), train_acc (percent, over the epoch's batches, when the step reports it), seconds,
/// and whatever `evaluate` returns. A NaN or infinite loss throws core::Error naming epoch and
/// step. Returns the records in order.
std::vector<core::Json> fit(Optimizer& optimizer, DataSource& source, const StepFn& step, const TrainConfig& config,
                            const EpochEvalFn& evaluate = nullptr, const std::vector<EpochCallback>& callbacks = {});

}  // namespace netprobe::train
