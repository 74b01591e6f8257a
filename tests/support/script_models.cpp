#include "tests/support/script_models.h"

#include <fstream>

#include <torch/serialize.h>
#include <torch/torch.h>

namespace netprobe::testing {

torch::jit::Module tiny_cnn(int64_t classes, uint64_t seed) {
  torch::manual_seed(seed);
  torch::jit::Module conv("Conv"), fc("Linear"), net("TinyCnn");
  conv.register_parameter("weight", torch::randn({3, 1, 3, 3}) * 0.5, false);
  conv.register_parameter("bias", torch::randn({3}) * 0.1, false);
  fc.register_parameter("weight", torch::randn({classes, 48}) * 0.2, false);
  fc.register_parameter("bias", torch::randn({classes}) * 0.1, false);
  net.register_module("conv", conv);
  net.register_module("fc", fc);
  net.define(R"(
def forward(self, x):
    h = torch.relu(torch.conv2d(x, self.conv.weight, self.conv.bias))
    return torch.linear(h.flatten(1), self.fc.weight, self.fc.bias)
)");
  return net;
}

std::pair<torch::Tensor, torch::Tensor> tiny_images(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor x = torch::randn({n, 1, 6, 6});
  const torch::Tensor left = x.narrow(3, 0, 3).sum({1, 2, 3}), right = x.narrow(3, 3, 3).sum({1, 2, 3});
  return {x, left.gt(right).to(torch::kLong)};
}

void save_test_set(const std::filesystem::path& path, const torch::Tensor& x, const torch::Tensor& y) {
  c10::Dict<std::string, at::Tensor> dict;
  dict.insert("x", x);
  dict.insert("y", y);
  const std::vector<char> bytes = torch::pickle_save(torch::IValue(dict));
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace netprobe::testing
