#pragma once
/// TorchScript models and torch.save test sets built in C++ for tests, as a user's Python would
/// write them.
#include <cstdint>
#include <filesystem>

#include <torch/script.h>

namespace netprobe::testing {

/// conv (1 -> 3 channels, 3x3) + relu + linear to `classes` logits, for inputs [n, 1, 6, 6].
/// Parameters: conv.weight [3, 1, 3, 3], conv.bias [3], fc.weight [classes, 48], fc.bias.
torch::jit::Module tiny_cnn(int64_t classes, uint64_t seed);

/// Inputs [n, 1, 6, 6] and labels the tiny CNN can learn: class = whether the left half is brighter.
std::pair<torch::Tensor, torch::Tensor> tiny_images(int64_t n, uint64_t seed);

/// Writes {"x": x, "y": y} as torch.save does (LibTorch's pickle_save).
void save_test_set(const std::filesystem::path& path, const torch::Tensor& x, const torch::Tensor& y);

}  // namespace netprobe::testing
