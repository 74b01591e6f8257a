#pragma once
/// Classification on top of the generic trainer: NLL loss on log-probabilities, accuracy.
#include <functional>

#include <torch/torch.h>

#include "train/trainer.h"

namespace netprobe::train {

/// Maps a batch of inputs to log-probabilities [n, classes].
using ForwardFn = std::function<torch::Tensor(const torch::Tensor&)>;

/// A trainer step: NLL loss of forward(inputs) against integer targets, plus correct count.
StepFn classification_step(ForwardFn forward);

struct ClassifierMetrics {
  double loss = 0;      ///< mean NLL
  double accuracy = 0;  ///< percent correct
  int64_t examples = 0;
};

/// Evaluates without gradients in chunks of `chunk` examples.
ClassifierMetrics evaluate_classifier(const ForwardFn& forward, const torch::Tensor& x, const torch::Tensor& y,
                                      int64_t chunk = 8192);

/// Accuracy (percent) from log-probabilities or logits and integer targets.
double accuracy_percent(const torch::Tensor& scores, const torch::Tensor& targets);

}  // namespace netprobe::train
