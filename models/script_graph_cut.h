#pragma once
/// A TorchScript classifier's forward graph cut in two where a parameter is first used, so a
/// variant that changes only later parameters re-runs only the part after the cut: the values
/// entering it are computed once on the intact model (ScriptBatchEvaluator caches them per test
/// batch). Works on the inlined forward graph, so any module tree qualifies; a graph that sets
/// attributes, calls what cannot be inlined, or hands a value across the cut that cannot be passed
/// (an object, a dict) is not cut there, and evaluation starts from the input.
///
///   ForwardCuts cuts(module);
///   size_t at = cuts.cut_of({7});                              // parameter 7 changed
///   auto live = cuts.run_prefix(at, intact_module, x);         // once per batch
///   torch::IValue scores = cuts.run_suffix(at, variant_module, x, fresh_copy(live));
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <torch/script.h>

namespace torch::jit {
struct Graph;
struct GraphFunction;
}  // namespace torch::jit

namespace netprobe::models {

class ForwardCuts {
 public:
  /// Analyses `module.forward`; parameters are numbered as in module.named_parameters(true).
  explicit ForwardCuts(const torch::jit::Module& module);
  ~ForwardCuts();
  ForwardCuts(const ForwardCuts&) = delete;
  ForwardCuts& operator=(const ForwardCuts&) = delete;

  /// The latest cut before which none of `changed` (parameter numbers) is used: 0 is the input
  /// (the whole network runs), also when the graph cannot be cut or nothing changed.
  size_t cut_of(const std::vector<size_t>& changed) const;
  /// Why the graph is never cut ("" when it can be).
  const std::string& why_not() const { return why_not_; }
  /// Parameter numbers whose changes re-run the whole network although the graph can be cut
  /// (used by the first operation, or no valid cut before their first use).
  std::vector<size_t> from_input() const;

  /// The values the part from `cut` needs, computed by the part before it on `intact`.
  std::vector<c10::IValue> run_prefix(size_t cut, const torch::jit::Module& intact, const torch::Tensor& x) const;
  /// The forward output, running only the part from `cut` on `module`, given run_prefix's values
  /// (which it may modify in place: pass copies, see fresh_copy).
  c10::IValue run_suffix(size_t cut, const torch::jit::Module& module, const torch::Tensor& x,
                         std::vector<c10::IValue> live) const;

 private:
  struct Cut;
  const Cut& cut(size_t position) const;

  std::shared_ptr<torch::jit::Graph> graph_;  // forward, inlined
  std::string why_not_;
  std::vector<size_t> first_use_;  // per parameter: the top-level node that first reads it
  std::vector<bool> fixed_;        // per top-level node: a constant or an attribute read from self
  // Valid cuts (positions whose crossing values can be passed), each with those values as
  // (top-level node, output) pairs.
  std::map<size_t, std::vector<std::pair<size_t, size_t>>> valid_;
  mutable std::mutex mutex_;
  mutable std::map<size_t, std::unique_ptr<Cut>> built_;
};

/// A copy that shares no mutable state with `value`: tensors cloned, lists and tuples rebuilt.
/// The part after a cut may write into its inputs (an in-place ReLU), the cached values must not change.
c10::IValue fresh_copy(const c10::IValue& value);

}  // namespace netprobe::models
