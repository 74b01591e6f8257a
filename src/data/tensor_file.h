#pragma once
/// A user's test set saved from Python: `torch.save({"x": x_test, "y": y_test}, "test.pt")`.
///
///   LabeledTensors test = load_tensor_file("test.pt");   // x float32 [n, ...], y int64 [n]
///
/// x keeps its shape (a CNN's [n, 1, 28, 28] or an MLP's [n, 784]) and is converted to float32
/// without rescaling: the user's preprocessing is the model's preprocessing.
#include <filesystem>

#include <torch/torch.h>

namespace netprobe::data {

struct LabeledTensors {
  torch::Tensor x;  ///< float32 [n, ...]
  torch::Tensor y;  ///< int64 [n], class labels >= 0
};

/// Reads and checks the file. Throws core::Error naming the file for anything else: not a
/// torch.save file, not a dict, no tensor x or y, lengths that differ, labels that are not
/// non-negative integers, an empty set.
LabeledTensors load_tensor_file(const std::filesystem::path& path);

/// Checks x and y as load_tensor_file does (`source` names them in errors) and converts them.
LabeledTensors check_labeled_tensors(torch::Tensor x, torch::Tensor y, const std::string& source);

}  // namespace netprobe::data
