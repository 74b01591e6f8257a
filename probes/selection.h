#pragma once
/// What a probe acts on in one model: the parts (whole tensors or blocks of rows) that a scope's
/// layers hold in the roles being probed. Weights and embeddings by default; biases and norm
/// parameters when asked for (`--include biases,norms`); a study keeps its biases (PROBES.md).
///
///   ProbeTarget target{params, models::layers_of_named_parameters(params), RoleSet::weights()};
///   Selection fc1 = target.select(Scope::parse("fc1"));   // fc1.weight only
#include <string>
#include <vector>

#include "core/checkpoint.h"
#include "models/layers.h"
#include "probes/scope.h"

namespace netprobe::probes {

/// The roles a probe acts on.
class RoleSet {
 public:
  /// Weights and embeddings: every tensor of rank >= 2 a module owns as its weight.
  static RoleSet weights();
  /// Weights and biases: the protocol of PROBES.md for netprobe's MLPs (and the study).
  static RoleSet weights_and_biases();
  /// weights() plus what `text` names, comma-separated: biases, norms (scale and shift), others;
  /// UsageError naming `option` and the known names otherwise.
  static RoleSet parse_include(const std::string& text, const std::string& option = "--include");

  bool contains(models::TensorRole role) const { return (bits_ >> static_cast<int>(role)) & 1u; }
  RoleSet& add(models::TensorRole role);
  /// "weight+embedding+bias": for meta.json and messages.
  std::string label() const;

 private:
  unsigned bits_ = 0;
};

/// The parts a scope selects, in parameter order (the order probes draw their randomness in).
struct Selection {
  std::vector<models::TensorPart> parts;
  int64_t entries() const;
  bool empty() const { return parts.empty(); }
  /// True when some part of parameter `index` is selected.
  bool touches(size_t parameter) const;
};

/// A model as the probes see it.
struct ProbeTarget {
  core::NamedTensors params;
  models::LayerTable layers;
  RoleSet roles = RoleSet::weights();

  /// The parts in `roles` of the scope's layers (all layers for Scope::all()). UsageError naming
  /// --scope and the model's layers for a name that is not a layer.
  Selection select(const Scope& scope) const;
  /// The layers that hold a part in `roles` (a batch norm has none by default), in module order.
  std::vector<std::string> probed_layers() const;
};

/// The standard deviation of the weight and embedding entries of `selection` (biases and norm
/// parameters excluded): the unit of noise levels. NaN when it has none.
double weight_sigma(const core::NamedTensors& params, const Selection& selection);

/// The tensor of one part (a view of the parameter for a block of rows).
torch::Tensor part_of(const core::NamedTensors& params, const models::TensorPart& part);

}  // namespace netprobe::probes
