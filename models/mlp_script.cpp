#include "models/mlp_script.h"

#include <fmt/format.h>

namespace netprobe::models {

// torch.relu, torch.tanh, torch.sigmoid: TorchScript names the activations as MlpOptions does.
torch::jit::Module script_mlp(const MlpImpl& mlp) {
  torch::NoGradGuard no_grad;
  const MlpOptions& options = mlp.options();
  const size_t layers = options.hidden().size() + 1;
  const auto params = mlp.named_parameters();
  torch::jit::Module module("NetprobeMlp");
  std::string body = "def forward(self, x):\n    h = x.flatten(1)\n";
  for (size_t i = 1; i <= layers; ++i) {
    const std::string name = fmt::format("fc{}", i);
    torch::jit::Module linear("Linear");
    linear.register_parameter("weight", params[name + ".weight"].detach().clone(), false);
    const bool bias = options.bias();
    if (bias) linear.register_parameter("bias", params[name + ".bias"].detach().clone(), false);
    module.register_module(name, linear);
    const std::string affine =
        fmt::format("torch.linear(h, self.{0}.weight, {1})", name, bias ? "self." + name + ".bias" : "None");
    body += i < layers ? fmt::format("    h = torch.{}({})\n", to_string(options.activation()), affine)
                       : fmt::format("    return torch.log_softmax({}, 1)\n", affine);
  }
  module.define(body);
  module.eval();
  return module;
}

}  // namespace netprobe::models
