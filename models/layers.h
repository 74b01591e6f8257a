#pragma once
/// What a model's layers are, for the probes: every layer is one module's weight tensor (or a block
/// of its rows: one of q, k, v in an attention's in_proj, one gate of an LSTM), with the module's
/// other parameters beside it in their roles. Layers never overlap; "all" is their union.
///
///   LayerTable t = layers_of_named_parameters(params);     // a netprobe MLP: fc1 = fc1.weight + fc1.bias
///   t.find("fc1")->parts[1].role == TensorRole::kBias;
///   LayerTable s = layers_of_script_module(module, {});    // a user's TorchScript model (script_layers.h)
#include <string>
#include <vector>

#include "core/checkpoint.h"

namespace netprobe::models {

/// What a parameter is to its module. Probes act on weights and embeddings by default (tensors of
/// rank >= 2); biases and norm parameters only when asked for.
enum class TensorRole { kWeight, kEmbedding, kBias, kNormScale, kNormShift, kOther };
/// "weight", "embedding", "bias", "norm-scale", "norm-shift", "other".
const std::string& role_name(TensorRole role);

/// A block of rows [row_begin, row_end) of one parameter, or the whole of it: what a probe treats
/// as one tensor (counts such as floor(p n) are per part).
struct TensorPart {
  size_t parameter = 0;  ///< index in the model's parameter list
  std::string name;      ///< the parameter's dotted name
  TensorRole role = TensorRole::kWeight;
  bool whole = true;  ///< the whole tensor (any rank); else rows [row_begin, row_end) of dim 0
  int64_t row_begin = 0, row_end = 0;
  std::vector<int64_t> shape;  ///< of the part
  /// An attention projection: its rows form `heads` heads in each of `head_blocks` blocks (3 for
  /// in_proj's q, k, v; 1 for one of them): head h is rows [b E + h d, b E + (h + 1) d) of every
  /// block b, with E = rows / head_blocks and d = E / heads. 0: not an attention projection.
  int64_t heads = 0, head_blocks = 1;
  int64_t entries() const;
};

struct Layer {
  std::string name;               ///< "fc1", "encoder.layers.0.self_attn.in_proj", "lstm.weight_ih_l0"
  std::string module_type;        ///< "Linear", "Conv2d", "MultiheadAttention", "LSTM", "BatchNorm2d", ...
  std::vector<TensorPart> parts;  ///< its weight (or norm scale) first, then the rest, in parameter order
  int64_t heads = 0;              ///< an attention's in_proj: heads (each a block of rows of q, k and v)
};

struct LayerTable {
  std::vector<Layer> layers;  ///< in module order
  const Layer* find(const std::string& name) const;
  /// The layer names, in order.
  std::vector<std::string> names() const;
};

/// Layers from parameter names alone (netprobe's own models): "a.b.weight" and "a.b.bias" form
/// layer "a.b" (a Linear: weight, and bias); a name without a dot is a layer of its own (an RNN's
/// m, U, V, z: weights).
LayerTable layers_of_named_parameters(const core::NamedTensors& params);

}  // namespace netprobe::models
