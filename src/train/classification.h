#pragma once
/// Classification on top of the generic trainer: NLL loss on log-probabilities, accuracy.
#include <functional>
#include <limits>

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
  // Filled by the evaluators of `probe` and `compress` when asked (models/classifier_tally.h):
  double top5 = std::numeric_limits<double>::quiet_NaN();      ///< percent with the label in the 5 highest scores
  double macro_f1 = std::numeric_limits<double>::quiet_NaN();  ///< percent: mean F1 over the classes present
  /// Against the intact model's per-example correctness (top-1, or top-5 for that metric): examples
  /// it got right and this one wrong, and the other way round; -1 when not compared.
  int64_t lost = -1, gained = -1, lost_top5 = -1, gained_top5 = -1;
  /// Of these examples, how many the intact model got right (top-1, top-5); -1 when not compared.
  int64_t intact_right = -1, intact_right_top5 = -1;
  int64_t nonfinite = 0;  ///< examples whose scores were not all finite (counted wrong, never argmax'd)
};

/// Evaluates without gradients in chunks of `chunk` examples.
ClassifierMetrics evaluate_classifier(const ForwardFn& forward, const torch::Tensor& x, const torch::Tensor& y,
                                      int64_t chunk = 8192);

/// Accuracy (percent) from log-probabilities or logits and integer targets.
double accuracy_percent(const torch::Tensor& scores, const torch::Tensor& targets);

}  // namespace netprobe::train
