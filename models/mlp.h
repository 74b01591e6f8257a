#pragma once
/// A fully connected classifier: input -> hidden... -> classes, log-softmax output.
///
///   Mlp net(MlpOptions(784, 2).hidden({64}).activation(Activation::kRelu));
///   torch::Tensor log_probs = net->forward(x);   // parameters: fc1.weight, fc1.bias, fc2.weight, ...
#include <string>
#include <vector>

#include <torch/torch.h>

namespace netprobe::models {

enum class Activation { kRelu, kTanh, kSigmoid };
/// Parses relu|tanh|sigmoid; UsageError otherwise.
Activation parse_activation(const std::string& name);
std::string to_string(Activation activation);
torch::Tensor apply_activation(Activation activation, const torch::Tensor& x);

struct MlpOptions {
  MlpOptions(int64_t input_size, int64_t classes) : input_size_(input_size), classes_(classes) {}
  TORCH_ARG(int64_t, input_size);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(std::vector<int64_t>, hidden) = {64};
  TORCH_ARG(Activation, activation) = Activation::kRelu;
  TORCH_ARG(bool, bias) = true;
};

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(MlpOptions options);
  /// Log-probabilities [n, classes] for inputs [n, input_size].
  torch::Tensor forward(const torch::Tensor& x);
  const MlpOptions& options() const { return options_; }
  /// fc1, fc2, ...: the hidden layers, then the output layer.
  const std::vector<torch::nn::Linear>& layers() const { return layers_; }
  /// Re-draws every parameter as PyTorch's nn.Linear does (U(-1/sqrt(fan_in), 1/sqrt(fan_in))
  /// for weights and biases) from `gen`, not from the global generator, so models can be
  /// initialized on several threads at once reproducibly.
  void reset_parameters(at::Generator& gen);

 private:
  MlpOptions options_;
  std::vector<torch::nn::Linear> layers_;  // registered as fc1, fc2, ...
};
TORCH_MODULE(Mlp);

}  // namespace netprobe::models
