#pragma once
/// The layers of a user's TorchScript model, from its module tree (never from name prefixes):
///   Linear, Conv*, ConvTranspose*     one layer: weight, and its bias
///   Embedding, EmbeddingBag           one layer: the table (role embedding)
///   *Norm* (BatchNorm, LayerNorm, GroupNorm, InstanceNorm)   one layer: norm scale and shift
///   MultiheadAttention                in_proj (weight and bias), or q, k, v as three layers with
///                                     split_attention; out_proj is a Linear of its own
///   LSTM, GRU, RNN                    one layer per weight_ih_l{k}, weight_hh_l{k} (and _reverse,
///                                     weight_hr), with its bias; with split_gates, one per gate
///   any other module                  "weight" with its "bias", every other parameter alone
///
///   LayerTable t = layers_of_script_module(module, {.split_attention = true});
#include <torch/script.h>

#include "models/layers.h"

namespace netprobe::models {

struct ScriptLayerOptions {
  bool split_attention = false;  ///< an attention's q, k and v rows as three layers
  bool split_gates = false;      ///< a recurrent layer's gates (LSTM i, f, g, o; GRU r, z, n) as layers
};

/// Parameters are indexed as module.named_parameters(true) lists them.
LayerTable layers_of_script_module(const torch::jit::Module& module, const ScriptLayerOptions& options);

/// The module's class name without its package and TorchScript's mangling ("Linear").
std::string module_type_name(const torch::jit::Module& module);

}  // namespace netprobe::models
