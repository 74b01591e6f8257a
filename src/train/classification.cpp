#include "train/classification.h"

namespace netprobe::train {

StepFn classification_step(ForwardFn forward) {
  return [forward = std::move(forward)](const Batch& batch) {
    const torch::Tensor log_probs = forward(batch.inputs);
    StepOutput out;
    out.loss = torch::nll_loss(log_probs, batch.targets);
    out.correct = log_probs.detach().argmax(1).eq(batch.targets).sum();
    return out;
  };
}

ClassifierMetrics evaluate_classifier(const ForwardFn& forward, const torch::Tensor& x, const torch::Tensor& y,
                                      int64_t chunk) {
  torch::NoGradGuard no_grad;
  ClassifierMetrics m;
  double loss_sum = 0;
  int64_t correct = 0;
  for (int64_t start = 0; start < x.size(0); start += chunk) {
    const int64_t end = std::min(start + chunk, x.size(0));
    const torch::Tensor log_probs = forward(x.slice(0, start, end));
    const torch::Tensor targets = y.slice(0, start, end);
    loss_sum += torch::nll_loss(log_probs, targets, {}, at::Reduction::Sum).item<double>();
    correct += log_probs.argmax(1).eq(targets).sum().item<int64_t>();
  }
  m.examples = x.size(0);
  m.loss = loss_sum / static_cast<double>(m.examples);
  m.accuracy = 100.0 * static_cast<double>(correct) / static_cast<double>(m.examples);
  return m;
}

double accuracy_percent(const torch::Tensor& scores, const torch::Tensor& targets) {
  return 100.0 * scores.argmax(-1).eq(targets).to(torch::kFloat64).mean().item<double>();
}

}  // namespace netprobe::train
