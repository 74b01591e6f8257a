#pragma once
/// Whether a tensor LibTorch unpickled stays within its storage. LibTorch 1.13 takes a tensor's
/// sizes, strides and offset from the pickle without comparing them with the storage record it
/// read, so an archive whose record is shorter than its tensor claims (crafted, or rewritten by a
/// broken tool with valid checksums) would read past the storage: the tensor-file fuzzer found it.
///
///   check_within_storage(x, "test.pt: 'x'");   // Error: "test.pt: 'x': its sizes [2037, 784] reach
///                                             //  beyond its storage of 4096 bytes (...)"
#include <string>

#include <torch/torch.h>

namespace netprobe::core {

/// core::Error starting with `what` when the tensor's elements (from its offset, sizes and
/// strides) reach outside its storage.
void check_within_storage(const torch::Tensor& t, const std::string& what);

}  // namespace netprobe::core
