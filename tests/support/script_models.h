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

/// conv (1 -> 4, 3x3, padding 1) + batch norm + relu, a depthwise conv (groups 4) added back as a
/// residual, global average pooling, linear to `classes`, for inputs [n, 1, 6, 6]. Module types as
/// torch.nn names them: c1 Conv2d [4, 1, 3, 3] + bias, bn BatchNorm2d (weight, bias, running
/// statistics as buffers), dw Conv2d [4, 1, 3, 3] + bias, fc Linear [classes, 4] + bias.
torch::jit::Module residual_cnn(int64_t classes, uint64_t seed);

/// Writes a scripted nn.TransformerEncoderLayer classifier (d_model 16, 4 heads, tokens [n, 6] of
/// 10 symbols embedded), an nn.LSTM classifier (2 layers, bidirectional, inputs [n, 5, 4]) and a
/// two-block residual conv net written as torchvision writes ResNet (in-place ReLUs, inputs
/// [n, 1, 8, 8]) with torch.save test sets into `dir` (NAME.pt and NAME_test.pt for transformer,
/// lstm, residual) through Debian's python3-torch. False (nothing written) where it is not installed.
bool python_models(const std::filesystem::path& dir);

/// Inputs [n, 1, 6, 6] and labels the tiny CNN can learn: class = whether the left half is brighter.
std::pair<torch::Tensor, torch::Tensor> tiny_images(int64_t n, uint64_t seed);

/// Writes {"x": x, "y": y} as torch.save does (LibTorch's pickle_save).
void save_test_set(const std::filesystem::path& path, const torch::Tensor& x, const torch::Tensor& y);

}  // namespace netprobe::testing
