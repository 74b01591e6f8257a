#include "models/mlp_batched.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::models {
namespace {

const torch::Tensor& find(const core::NamedTensors& params, const std::string& name) {
  for (const auto& [n, t] : params) {
    if (n == name) return t;
  }
  throw core::Error(fmt::format("batched MLP evaluation: parameter '{}' missing", name));
}

// True when every variant holds the very same tensor (an unperturbed layer).
bool shared(const std::vector<torch::Tensor>& ts) {
  for (const auto& t : ts) {
    if (t.unsafeGetTensorImpl() != ts[0].unsafeGetTensorImpl()) return false;
  }
  return true;
}

constexpr double kSparseDensity = 0.6;
// Grouped rows pay fill() times the multiply-adds for a quarter of the weight loads; bench_probes
// BM_FusedSparse measures where that stops paying (the README has the numbers).
constexpr double kMaxGroupFill = 1.8;

void activate_(Activation activation, torch::Tensor& z) {
  switch (activation) {
    case Activation::kRelu: z.relu_(); break;
    case Activation::kTanh: z.tanh_(); break;
    case Activation::kSigmoid: z.sigmoid_(); break;
  }
}

}  // namespace

MlpBatchEvaluator::MlpBatchEvaluator(MlpOptions options, torch::Tensor x, torch::Tensor y)
    : options_(std::move(options)), xt_(x.t().contiguous()), y_(std::move(y)), sparse_x_(sparse_rows(x)) {
  // Below this density the sparse first layer beats dense BLAS (measured in bench_probes).
  use_sparse_ = sparse_x_.density() < kSparseDensity;
  if (!use_sparse_) return;
  grouped_x_ = group_similar_rows(sparse_x_, y_);
  use_groups_ = grouped_x_.fill() < kMaxGroupFill;
  if (use_groups_) bytes_ = byte_row_groups(grouped_x_);
}

torch::Tensor MlpBatchEvaluator::log_probs(const std::vector<core::NamedTensors>& variants) const {
  torch::NoGradGuard no_grad;
  const auto V = static_cast<int64_t>(variants.size());
  const int64_t n = xt_.size(1);
  const size_t layers = options_.hidden().size() + 1;
  // Activations are kept as features x samples: shared by all variants [in, n], or per variant
  // [V, in, n]. Stacking the variants' rows, W_cat [V*out, in] @ h [in, n] yields every
  // variant's block contiguously, so no transpose or copy is needed between layers.
  torch::Tensor h = xt_;
  bool h_shared = true;
  size_t first = 0;
  if (use_sparse_ && layers == 2 && options_.hidden()[0] == kSparseBlock && options_.bias()) {
    // The default architecture (one hidden layer of 64): fused kernel straight to the logits.
    std::vector<torch::Tensor> w1, b1, w2, b2;
    for (const auto& v : variants) {
      w1.push_back(find(v, "fc1.weight"));
      b1.push_back(find(v, "fc1.bias"));
      w2.push_back(find(v, "fc2.weight"));
      b2.push_back(find(v, "fc2.bias"));
    }
    const HiddenActivation act = options_.activation() == Activation::kRelu   ? HiddenActivation::kRelu
                                 : options_.activation() == Activation::kTanh ? HiddenActivation::kTanh
                                                                              : HiddenActivation::kSigmoid;
    const torch::Tensor w1_cat = torch::cat(w1, 0), b1_cat = torch::cat(b1, 0);
    const torch::Tensor w2_stack = torch::stack(w2), b2_stack = torch::stack(b2);
    h = use_groups_
            ? sparse_mlp2_logits(grouped_x_, w1_cat, b1_cat, w2_stack, b2_stack, act, bytes_ ? &*bytes_ : nullptr)
            : sparse_mlp2_logits(sparse_x_, w1_cat, b1_cat, w2_stack, b2_stack, act);
    h_shared = false;
    first = layers;
  }
  for (size_t l = first; l < layers; ++l) {
    const std::string prefix = fmt::format("fc{}.", l + 1);
    std::vector<torch::Tensor> ws, bs;
    for (const auto& v : variants) {
      ws.push_back(find(v, prefix + "weight"));
      if (options_.bias()) bs.push_back(find(v, prefix + "bias"));
    }
    const int64_t out = ws[0].size(0);
    const bool w_shared = shared(ws);
    const bool b_shared = !options_.bias() || shared(bs);
    torch::Tensor z;
    if (h_shared && w_shared && b_shared) {
      z = options_.bias() ? torch::addmm(bs[0].unsqueeze(1), ws[0], h) : torch::mm(ws[0], h);  // [out, n]
    } else if (h_shared && l == 0 && use_sparse_) {
      z = sparse_linear(sparse_x_, w_shared ? ws[0].repeat({V, 1}) : torch::cat(ws, 0));  // [V*out, n]
      if (options_.bias()) z.add_((b_shared ? bs[0].repeat({V}) : torch::cat(bs, 0)).unsqueeze(1));
      z = z.view({V, out, n});
    } else if (h_shared) {
      const torch::Tensor w_cat = w_shared ? ws[0].repeat({V, 1}) : torch::cat(ws, 0);
      if (options_.bias()) {
        const torch::Tensor b_cat = b_shared ? bs[0].repeat({V}) : torch::cat(bs, 0);
        z = torch::addmm(b_cat.unsqueeze(1), w_cat, h);
      } else {
        z = torch::mm(w_cat, h);
      }
      z = z.view({V, out, n});
    } else {
      const torch::Tensor w_stack = w_shared ? ws[0].unsqueeze(0).expand({V, out, ws[0].size(1)}) : torch::stack(ws);
      if (options_.bias()) {
        const torch::Tensor b_stack =
            b_shared ? bs[0].view({1, out, 1}).expand({V, out, 1}) : torch::stack(bs).unsqueeze(2);
        z = torch::baddbmm(b_stack, w_stack, h);
      } else {
        z = torch::bmm(w_stack, h);
      }
    }
    h_shared = z.dim() == 2;
    if (l + 1 < layers) activate_(options_.activation(), z);
    h = z;
  }
  const int64_t k = h.size(-2);
  if (h_shared) h = h.unsqueeze(0).expand({V, k, n});
  return torch::log_softmax(h, 1);  // [V, k, n]
}

void MlpBatchEvaluator::compare_with(const core::NamedTensors& reference, TallyOptions options) {
  torch::NoGradGuard no_grad;
  reference_ = ClassifierTally::correct_of(log_probs({reference})[0].t(), y_);
  tally_ = options;
}

std::vector<train::ClassifierMetrics> MlpBatchEvaluator::evaluate(
    const std::vector<core::NamedTensors>& variants) const {
  torch::NoGradGuard no_grad;
  const auto V = static_cast<int64_t>(variants.size());
  if (V == 0) return {};
  const torch::Tensor log_probs = this->log_probs(variants);  // [V, k, n]
  const int64_t n = log_probs.size(2);
  if (tally_) {
    std::vector<train::ClassifierMetrics> metrics;
    for (int64_t v = 0; v < V; ++v) {
      const torch::Tensor scores = log_probs[v].t();  // [n, k]
      ClassifierTally tally(scores.size(1), *tally_, &reference_);
      tally.add(scores, y_, 0);
      metrics.push_back(tally.metrics(-scores.gather(1, y_.unsqueeze(1)).sum().item<double>()));
    }
    return metrics;
  }
  const torch::Tensor target = y_.view({1, 1, n}).expand({V, 1, n});
  const torch::Tensor loss = -log_probs.gather(1, target).squeeze(1).mean(1);    // [V]
  const torch::Tensor correct = log_probs.argmax(1).eq(y_.view({1, n})).sum(1);  // [V]
  std::vector<train::ClassifierMetrics> metrics(static_cast<size_t>(V));
  const torch::Tensor loss64 = loss.to(torch::kFloat64).contiguous();
  const torch::Tensor correct64 = correct.contiguous();
  const double* lp = loss64.data_ptr<double>();
  const int64_t* cp = correct64.data_ptr<int64_t>();
  for (int64_t v = 0; v < V; ++v) {
    metrics[static_cast<size_t>(v)] = {lp[v], 100.0 * static_cast<double>(cp[v]) / static_cast<double>(n), n};
  }
  return metrics;
}

}  // namespace netprobe::models
