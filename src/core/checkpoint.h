#pragma once
/// Model-agnostic checkpoints: an ordered list of named tensors in one file.
/// Models, probes and reports key on the stable parameter names ("fc1.weight"; an RNN's "m", "U").
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace netprobe::core {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Saves the tensors atomically (temp + rename).
void save_tensors(const std::filesystem::path& path, const NamedTensors& tensors);

/// Loads tensors saved by save_tensors; throws Error naming the file if it is missing or not a
/// valid checkpoint.
NamedTensors load_tensors(const std::filesystem::path& path);

/// Named parameters of a module, detached clones in registration order.
NamedTensors parameters_of(const torch::nn::Module& module);

/// Copies `tensors` into the module's parameters. Throws Error (mentioning `source`) when a name
/// is missing, unexpected, or has a different shape, so a checkpoint never half-loads.
void load_into(torch::nn::Module& module, const NamedTensors& tensors, const std::string& source);

}  // namespace netprobe::core
