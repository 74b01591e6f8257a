#include "models/mlp_batched.h"

#include <fmt/format.h>

#include "src/core/errors.h"

namespace netprobe::models {
namespace {

const torch::Tensor& find(const core::NamedTensors& params, const std::string& name) {
  for (const auto& [n, t] : params) {
    if (n == name) return t;
  }
  throw core::Error(fmt::format("batched MLP evaluation: parameter '{}' missing", name));
}

// True when every variant holds the very same tensor (an unperturbed layer).
bool shared(const std::vector<const torch::Tensor*>& ts) {
  for (const auto* t : ts) {
    if (t->unsafeGetTensorImpl() != ts[0]->unsafeGetTensorImpl()) return false;
  }
  return true;
}

}  // namespace

MlpBatchEvaluator::MlpBatchEvaluator(MlpOptions options, torch::Tensor x, torch::Tensor y)
    : options_(std::move(options)), x_(std::move(x).contiguous()), y_(std::move(y)) {}

std::vector<train::ClassifierMetrics> MlpBatchEvaluator::evaluate(const std::vector<core::NamedTensors>& variants) const {
  torch::NoGradGuard no_grad;
  const auto V = static_cast<int64_t>(variants.size());
  if (V == 0) return {};
  const int64_t n = x_.size(0);
  const size_t layers = options_.hidden().size() + 1;
  // h is either shared by all variants [n, in] or per variant [V, n, in].
  torch::Tensor h = x_;
  bool h_shared = true;
  for (size_t l = 0; l < layers; ++l) {
    const std::string prefix = fmt::format("fc{}.", l + 1);
    std::vector<const torch::Tensor*> ws, bs;
    for (const auto& v : variants) {
      ws.push_back(&find(v, prefix + "weight"));
      if (options_.bias()) bs.push_back(&find(v, prefix + "bias"));
    }
    const bool w_shared = shared(ws);
    const bool b_shared = !options_.bias() || shared(bs);
    const int64_t out = ws[0]->size(0);
    torch::Tensor z;
    if (h_shared && w_shared) {
      z = torch::matmul(h, ws[0]->t());  // [n, out]
    } else if (h_shared) {
      // One product with every variant's rows stacked: [n, in] x [in, V*out].
      std::vector<torch::Tensor> stack;
      for (const auto* w : ws) stack.push_back(*w);
      z = torch::matmul(h, torch::cat(stack, 0).t()).view({n, V, out}).transpose(0, 1);  // [V, n, out]
    } else if (w_shared) {
      z = torch::matmul(h.reshape({V * n, -1}), ws[0]->t()).view({V, n, out});
    } else {
      std::vector<torch::Tensor> stack;
      for (const auto* w : ws) stack.push_back(w->t());
      z = torch::bmm(h, torch::stack(stack));  // [V, n, in] x [V, in, out]
    }
    const bool z_shared = h_shared && w_shared;
    if (options_.bias()) {
      if (b_shared) {
        z = z + *bs[0];
      } else {
        std::vector<torch::Tensor> stack;
        for (const auto* b : bs) stack.push_back(*b);
        z = (z_shared ? z.unsqueeze(0) : z) + torch::stack(stack).unsqueeze(1);  // [V, n, out]
      }
    }
    h_shared = z.dim() == 2;
    h = l + 1 < layers ? apply_activation(options_.activation(), z) : z;
  }
  if (h_shared) h = h.unsqueeze(0).expand({V, n, h.size(1)});
  const torch::Tensor log_probs = torch::log_softmax(h, 2);                       // [V, n, k]
  const torch::Tensor target = y_.view({1, n, 1}).expand({V, n, 1});
  const torch::Tensor loss = -log_probs.gather(2, target).squeeze(2).mean(1);      // [V]
  const torch::Tensor correct = log_probs.argmax(2).eq(y_.view({1, n})).sum(1);   // [V]
  std::vector<train::ClassifierMetrics> out(static_cast<size_t>(V));
  const auto loss_a = loss.to(torch::kFloat64).contiguous();
  const auto correct_a = correct.contiguous();
  for (int64_t v = 0; v < V; ++v) {
    out[static_cast<size_t>(v)] = {loss_a[v].item<double>(),
                                   100.0 * static_cast<double>(correct_a[v].item<int64_t>()) / static_cast<double>(n), n};
  }
  return out;
}

}  // namespace netprobe::models
