#pragma once
/// Evaluates many parameter sets of one MLP architecture on a fixed dataset in batched passes:
/// the variants' weight matrices are stacked so each layer is one large matrix product instead
/// of one small product per variant, and layers that all variants share are computed once.
/// When the inputs are mostly one background value (images), the first layer skips it
/// (models/sparse_input.h).
///
///   MlpBatchEvaluator eval(options, task.test_x, task.test_y);
///   std::vector<train::ClassifierMetrics> m = eval.evaluate(variants);   // one entry per variant
#include <vector>

#include <optional>

#include "core/checkpoint.h"
#include "models/classifier_tally.h"
#include "models/mlp.h"
#include "models/sparse_input.h"
#include "models/ternary_first_layer.h"
#include "train/classification.h"

namespace netprobe::models {

class MlpBatchEvaluator {
 public:
  MlpBatchEvaluator(MlpOptions options, torch::Tensor x, torch::Tensor y);
  /// Each variant holds the MLP's parameters by name (fc1.weight, fc1.bias, ...), as
  /// core::parameters_of(*mlp) lists them. Throws core::Error on a missing parameter.
  std::vector<train::ClassifierMetrics> evaluate(const std::vector<core::NamedTensors>& variants) const;

  /// From now on every evaluation also counts `options`' metrics and its examples lost and gained
  /// against `reference` (the intact model), as ClassifierTally does.
  void compare_with(const core::NamedTensors& reference, TallyOptions options);

 private:
  /// Log-probabilities [V, classes, n] of every variant.
  torch::Tensor log_probs(const std::vector<core::NamedTensors>& variants) const;
  std::optional<TallyOptions> tally_;
  ReferenceCorrect reference_;

  MlpOptions options_;
  torch::Tensor xt_;  // inputs transposed: features x samples
  torch::Tensor y_;
  SparseRows sparse_x_;  // the same inputs around their background value
  bool use_sparse_ = false;
  SparseRowGroups grouped_x_;  // the same rows four at a time, by class and size
  bool use_groups_ = false;
  std::optional<ByteRowGroups> bytes_;  // the grouped rows as bytes, for signed first layers
};

}  // namespace netprobe::models
