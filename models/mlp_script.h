#pragma once
/// A netprobe MLP as a TorchScript module (`netprobe export`), with the same parameter names
/// (fc1.weight, fc1.bias, ...) and the same forward: activations between layers, log-softmax out.
/// Inputs of any shape [n, ...] are flattened to [n, input_size] first, so image tensors work.
///
///   torch::jit::Module m = script_mlp(*run.model);
///   m.save("model.pt");   // loads in Python with torch.jit.load
#include <torch/script.h>

#include "models/mlp.h"

namespace netprobe::models {

torch::jit::Module script_mlp(const MlpImpl& mlp);

}  // namespace netprobe::models
