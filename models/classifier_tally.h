#pragma once
/// Counts what a classifier variant got right on a test set, batch by batch: accuracy, top-5,
/// macro-F1, and against the intact model's per-example correctness how many examples it lost or
/// gained (the paired counts behind a drop's interval). Examples whose scores are not all finite
/// are counted wrong and never argmax'd.
///
///   ClassifierTally t(classes, {.top5 = true}, &reference);     // reference: the intact model's
///   t.add(scores, labels, offset);                              // per batch of examples
///   train::ClassifierMetrics m = t.metrics(loss_sum);
#include <torch/torch.h>

#include "train/classification.h"

namespace netprobe::models {

/// Which examples the intact model classifies right (top-1 and top-5), to compare variants with.
struct ReferenceCorrect {
  torch::Tensor top1, top5;  ///< bool [n]
};

struct TallyOptions {
  bool top5 = false;
  bool macro_f1 = false;
};

class ClassifierTally {
 public:
  /// `reference` (optional) must outlive the tally.
  ClassifierTally(int64_t classes, TallyOptions options, const ReferenceCorrect* reference = nullptr);
  /// scores [b, classes] of examples offset .. offset + b - 1, labels [b].
  void add(const torch::Tensor& scores, const torch::Tensor& labels, int64_t offset);
  /// Percentages over every example added; `loss_sum` over them becomes the mean loss.
  train::ClassifierMetrics metrics(double loss_sum) const;
  /// Per-example top-1 and top-5 correctness of scores [b, classes] (non-finite rows wrong).
  static ReferenceCorrect correct_of(const torch::Tensor& scores, const torch::Tensor& labels);

 private:
  int64_t classes_;
  TallyOptions options_;
  const ReferenceCorrect* reference_;
  int64_t examples_ = 0, correct_ = 0, top5_ = 0, nonfinite_ = 0;
  int64_t lost_ = 0, gained_ = 0, lost_top5_ = 0, gained_top5_ = 0, intact_right_ = 0, intact_right_top5_ = 0;
  torch::Tensor true_positive_, predicted_, actual_;  // per class, for macro-F1
};

}  // namespace netprobe::models
