#pragma once
/// A user's classifier saved as TorchScript (`torch.jit.script(model).save("model.pt")`), and an
/// evaluator that runs many parameter sets of it on a fixed test set.
///
///   ScriptClassifier model = ScriptClassifier::load("model.pt");
///   ScriptBatchEvaluator eval(model, test.x, test.y, {.workers = 2});
///   std::vector<train::ClassifierMetrics> m = eval.evaluate(variants);   // one per parameter set
///
/// An arbitrary module cannot stack variants into one larger product the way the MLP engine
/// does, so variants run in parallel threads, each on its own clone of the module (one
/// intra-op thread per worker: the parallelism is across variants, or across the test batches
/// of a variant when there are fewer variants than workers). A variant that changes only
/// parameters read late in the forward graph runs only from there: the values entering that
/// point are computed once per test batch on the intact model and kept (ForwardCuts).
#include <filesystem>
#include <string>
#include <vector>

#include <torch/script.h>

#include <optional>

#include "core/checkpoint.h"
#include "models/classifier_tally.h"
#include "models/script_graph_cut.h"
#include "train/classification.h"

namespace netprobe::models {

/// The loss a user names for the rows' loss column; kNone leaves it NaN.
enum class ScriptLoss { kNone, kCrossEntropy, kNll };
/// none | cross-entropy (outputs are logits) | nll (outputs are log-probabilities); UsageError otherwise.
ScriptLoss parse_script_loss(const std::string& name);

class ScriptClassifier {
 public:
  /// Throws core::Error naming the file when it is missing, not TorchScript, has no forward
  /// method or no parameters. The module is put in eval mode (dropout off, batch-norm statistics fixed).
  static ScriptClassifier load(const std::filesystem::path& path);
  ScriptClassifier(torch::jit::Module module, std::string source);

  /// Every parameter by its dotted name ("features.0.weight"), detached clones in module order.
  core::NamedTensors parameters() const;
  const torch::jit::Module& module() const { return module_; }
  const std::string& source() const { return source_; }

 private:
  torch::jit::Module module_;
  std::string source_;  // the file name, for errors
};

enum class FrozenGraph { kNever, kWhenIdentical, kWhenFaster };

struct ScriptEvalOptions {
  int64_t batch = 64;  ///< examples per forward call (small batches keep a conv net's activations in cache)
  ScriptLoss loss = ScriptLoss::kNone;
  int workers = 1;  ///< parallel variants, each on its own module clone
  /// Run a variant only from its first changed parameter on; false: always the whole network.
  bool reuse_prefix = true;
  /// Memory for the values kept at cuts (least recently used cut dropped first).
  int64_t cache_bytes = int64_t{1} << 30;
  /// Whole-network evaluations on a frozen, optimised copy of each variant (torch::jit::freeze +
  /// optimize_for_inference): never, or when it gives bit-identical outputs on the test set
  /// (checked at the start), and (kWhenFaster) also takes less time.
  FrozenGraph frozen_graph = FrozenGraph::kWhenFaster;
};

class ScriptBatchEvaluator {
 public:
  /// Runs the intact model on the first batch and checks its output: core::Error naming both
  /// the data's and the model's side when forward fails (a shape mismatch), the output is not
  /// [n, classes], or the labels exceed the classes.
  ScriptBatchEvaluator(const ScriptClassifier& model, torch::Tensor x, torch::Tensor y, ScriptEvalOptions options,
                       std::string data_source);
  ~ScriptBatchEvaluator();

  /// Each variant lists the model's parameters in the order of ScriptClassifier::parameters().
  /// Tensors shared with intact() (the same tensor, not an equal one) count as unchanged.
  std::vector<train::ClassifierMetrics> evaluate(const std::vector<core::NamedTensors>& variants) const;
  /// The same on the test examples first .. last - 1 only; `first` a multiple of the batch, `last`
  /// one or the end (core::Error otherwise). Every example's scores are those evaluate() gives it.
  std::vector<train::ClassifierMetrics> evaluate(const std::vector<core::NamedTensors>& variants, int64_t first,
                                                 int64_t last) const;

  /// The intact parameters: build variants from these so unchanged tensors are recognised.
  const core::NamedTensors& intact() const { return intact_; }
  /// Names of the parameters whose variants always run the whole network, and why ("" when
  /// the graph can be cut at all).
  std::vector<std::string> whole_network_parameters() const;
  const std::string& why_not_cut() const { return cuts_->why_not(); }
  /// Whether whole-network evaluations run on the frozen optimised graph, and why (or why not).
  bool uses_frozen_graph() const { return frozen_; }
  const std::string& frozen_graph_note() const { return frozen_note_; }

  /// From now on every evaluation also counts `options`' metrics and its examples lost and gained
  /// against `reference` (the intact model), as ClassifierTally does.
  void compare_with(const core::NamedTensors& reference, TallyOptions options);

  int64_t classes() const { return classes_; }

 private:
  struct Worker;
  struct PrefixCache;
  // The values entering cut `at` for every test batch, those of batches first .. last - 1 computed
  // if they are not yet.
  std::shared_ptr<const std::vector<std::vector<c10::IValue>>> prefix_values(size_t at, size_t first,
                                                                             size_t last) const;
  // Every variant's scores, per test batch, for batches first .. last - 1.
  std::vector<std::vector<torch::Tensor>> scores_of(const std::vector<core::NamedTensors>& variants, size_t first,
                                                    size_t last) const;
  size_t batches() const;
  // The metrics of scores of consecutive batches from example `start` on.
  train::ClassifierMetrics tally(const std::vector<torch::Tensor>& scores, int64_t start) const;
  TallyOptions tally_;
  std::optional<ReferenceCorrect> reference_;

  std::vector<std::string> names_;
  core::NamedTensors intact_;
  torch::jit::Module intact_module_;  // never loaded with a variant: cuts' prefixes run on it
  std::unique_ptr<ForwardCuts> cuts_;
  std::unique_ptr<PrefixCache> cache_;
  bool frozen_ = false;
  std::string frozen_note_;
  void decide_frozen_graph();
  mutable std::vector<Worker> workers_;  // one per worker; each thread uses only its own
  torch::Tensor x_, y_;
  ScriptEvalOptions options_;
  std::string source_;
  int64_t classes_ = 0;
};

/// The message of a LibTorch or TorchScript interpreter error in one line: for an interpreter
/// traceback its final line ("RuntimeError: mat1 and mat2 shapes cannot be multiplied (...)").
std::string torch_error_line(const std::exception& e);

}  // namespace netprobe::models
