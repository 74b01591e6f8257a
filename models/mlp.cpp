#include "models/mlp.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::models {

Activation parse_activation(const std::string& name) {
  if (name == "relu") return Activation::kRelu;
  if (name == "tanh") return Activation::kTanh;
  if (name == "sigmoid") return Activation::kSigmoid;
  throw core::UsageError(fmt::format("--activation: unknown activation '{}' (relu, tanh, sigmoid)", name));
}

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::kRelu: return "relu";
    case Activation::kTanh: return "tanh";
    case Activation::kSigmoid: return "sigmoid";
  }
  return "relu";
}

torch::Tensor apply_activation(Activation activation, const torch::Tensor& x) {
  switch (activation) {
    case Activation::kRelu: return torch::relu(x);
    case Activation::kTanh: return torch::tanh(x);
    case Activation::kSigmoid: return torch::sigmoid(x);
  }
  return x;
}

MlpImpl::MlpImpl(MlpOptions options) : options_(std::move(options)) {
  if (options_.input_size() < 1 || options_.classes() < 2) {
    throw core::UsageError(fmt::format("MLP: need input size >= 1 and >= 2 classes, got {} and {}",
                                       options_.input_size(), options_.classes()));
  }
  int64_t in = options_.input_size();
  std::vector<int64_t> sizes = options_.hidden();
  sizes.push_back(options_.classes());
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1) throw core::UsageError(fmt::format("--hidden: layer sizes must be >= 1, got {}", sizes[i]));
    auto layer = torch::nn::Linear(torch::nn::LinearOptions(in, sizes[i]).bias(options_.bias()));
    layers_.push_back(register_module(fmt::format("fc{}", i + 1), layer));
    in = sizes[i];
  }
}

void MlpImpl::reset_parameters(at::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& layer : layers_) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(layer->weight.size(1)));
    layer->weight.uniform_(-bound, bound, gen);
    if (layer->bias.defined()) layer->bias.uniform_(-bound, bound, gen);
  }
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  for (size_t i = 0; i + 1 < layers_.size(); ++i) h = apply_activation(options_.activation(), layers_[i]->forward(h));
  return torch::log_softmax(layers_.back()->forward(h), 1);
}

}  // namespace netprobe::models
