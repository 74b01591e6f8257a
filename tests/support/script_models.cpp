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

torch::jit::Module residual_cnn(int64_t classes, uint64_t seed) {
  torch::manual_seed(seed);
  torch::jit::Module c1("Conv2d"), bn("BatchNorm2d"), dw("Conv2d"), fc("Linear"), net("ResidualCnn");
  c1.register_parameter("weight", torch::randn({4, 1, 3, 3}) * 0.5, false);
  c1.register_parameter("bias", torch::randn({4}) * 0.1, false);
  bn.register_parameter("weight", torch::rand({4}) + 0.5, false);
  bn.register_parameter("bias", torch::randn({4}) * 0.1, false);
  bn.register_buffer("running_mean", torch::zeros({4}));
  bn.register_buffer("running_var", torch::ones({4}));
  dw.register_parameter("weight", torch::randn({4, 1, 3, 3}) * 0.5, false);
  dw.register_parameter("bias", torch::randn({4}) * 0.1, false);
  fc.register_parameter("weight", torch::randn({classes, 4}) * 0.5, false);
  fc.register_parameter("bias", torch::randn({classes}) * 0.1, false);
  for (auto& [name, m] :
       std::vector<std::pair<std::string, torch::jit::Module>>{{"c1", c1}, {"bn", bn}, {"dw", dw}, {"fc", fc}}) {
    net.register_module(name, m);
  }
  net.define(R"(
def forward(self, x):
    h = torch.conv2d(x, self.c1.weight, self.c1.bias, 1, 1)
    h = torch.relu(torch.batch_norm(h, self.bn.weight, self.bn.bias, self.bn.running_mean, self.bn.running_var, False, 0.1, 1e-5, False))
    h = h + torch.conv2d(h, self.dw.weight, self.dw.bias, 1, 1, 1, 4)
    return torch.linear(h.mean([2, 3]), self.fc.weight, self.fc.bias)
)");
  return net;
}

bool python_models(const std::filesystem::path& dir) {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) return false;
  const std::filesystem::path script =
      std::filesystem::path(NETPROBE_TEST_REPO) / "tests" / "support" / "user_models.py";
  const std::string command = "/usr/bin/python3 " + script.string() + " " + dir.string() + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
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
