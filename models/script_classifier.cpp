#include "models/script_classifier.h"

#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"
#include "core/parallel.h"

namespace netprobe::models {
namespace {

using core::Error;

std::string shape_of(const torch::Tensor& t) { return fmt::format("[{}]", fmt::join(t.sizes(), ", ")); }

/// Copies a variant into a module's parameters (same order as ScriptClassifier::parameters()).
void load_variant(torch::jit::Module& module, const core::NamedTensors& variant) {
  size_t i = 0;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) {
    if (i >= variant.size() || variant[i].first != p.name) {
      throw Error(fmt::format("parameter set does not match the model at '{}'", p.name));
    }
    p.value.detach().copy_(variant[i].second);
    ++i;
  }
  if (i != variant.size()) throw Error(fmt::format("parameter set has {} tensors, the model {}", variant.size(), i));
}

torch::Tensor forward_tensor(torch::jit::Module& module, const torch::Tensor& x) {
  const torch::IValue out = module.forward({x});
  if (!out.isTensor()) throw Error(fmt::format("forward returned a {}, expected a tensor of scores", out.tagKind()));
  return out.toTensor();
}

}  // namespace

ScriptLoss parse_script_loss(const std::string& name) {
  if (name == "none") return ScriptLoss::kNone;
  if (name == "cross-entropy") return ScriptLoss::kCrossEntropy;
  if (name == "nll") return ScriptLoss::kNll;
  throw core::UsageError(fmt::format("--loss: unknown loss '{}' (known: none, cross-entropy, nll)", name));
}

std::string torch_error_line(const std::exception& e) {
  const std::string message = e.what();
  if (message.find("TorchScript interpreter") == std::string::npos) return core::first_line(message);
  // The interpreter prints two tracebacks, then the original error on the last line.
  size_t end = message.find_last_not_of(" \n");
  if (end == std::string::npos) return core::first_line(message);
  const size_t start = message.rfind('\n', end);
  return message.substr(start == std::string::npos ? 0 : start + 1,
                        end - (start == std::string::npos ? 0 : start + 1) + 1);
}

ScriptClassifier ScriptClassifier::load(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(fmt::format("{}: no such model file", source));
  torch::jit::Module module;
  try {
    module = torch::jit::load(source, torch::kCPU);
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: not a TorchScript model (save one with torch.jit.script(model).save(path)): {}",
                            source, torch_error_line(e)));
  }
  return ScriptClassifier(std::move(module), source);
}

ScriptClassifier::ScriptClassifier(torch::jit::Module module, std::string source)
    : module_(std::move(module)), source_(std::move(source)) {
  if (!module_.find_method("forward")) throw Error(fmt::format("{}: the module has no forward method", source_));
  if (module_.named_parameters(true).size() == 0) throw Error(fmt::format("{}: the module has no parameters", source_));
  module_.eval();
}

core::NamedTensors ScriptClassifier::parameters() const {
  core::NamedTensors out;
  for (const auto& p : module_.named_parameters(/*recurse=*/true)) out.emplace_back(p.name, p.value.detach().clone());
  return out;
}

ScriptBatchEvaluator::ScriptBatchEvaluator(const ScriptClassifier& model, torch::Tensor x, torch::Tensor y,
                                           ScriptEvalOptions options, std::string data_source)
    : x_(std::move(x)), y_(std::move(y)), options_(options), source_(std::move(data_source)) {
  if (options_.batch < 1) throw core::UsageError(fmt::format("--batch: must be >= 1, got {}", options_.batch));
  if (options_.workers < 1) throw core::UsageError(fmt::format("workers must be >= 1, got {}", options_.workers));
  for (const auto& p : model.module().named_parameters(true)) names_.push_back(p.name);
  for (int w = 0; w < options_.workers; ++w) clones_.push_back(model.module().clone());

  torch::NoGradGuard no_grad;
  const torch::Tensor first = x_.narrow(0, 0, std::min<int64_t>(options_.batch, x_.size(0)));
  torch::Tensor out;
  try {
    out = forward_tensor(clones_.front(), first);
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: forward fails on x of shape {} from {}: {}", model.source(), shape_of(first), source_,
                            torch_error_line(e)));
  }
  if (out.dim() != 2 || out.size(0) != first.size(0)) {
    throw Error(fmt::format("{}: forward on x of shape {} from {} returned shape {}, expected [{}, classes]",
                            model.source(), shape_of(first), source_, shape_of(out), first.size(0)));
  }
  classes_ = out.size(1);
  const int64_t top_label = y_.max().item<int64_t>();
  if (top_label >= classes_) {
    throw Error(
        fmt::format("{}: labels go up to {} but {} outputs {} classes", source_, top_label, model.source(), classes_));
  }
}

train::ClassifierMetrics ScriptBatchEvaluator::evaluate_one(torch::jit::Module& module,
                                                            const core::NamedTensors& variant) const {
  load_variant(module, variant);
  const int64_t n = x_.size(0);
  ClassifierTally tally(classes_, tally_, reference_ ? &*reference_ : nullptr);
  double loss_sum = 0;
  for (int64_t start = 0; start < n; start += options_.batch) {
    const int64_t len = std::min(options_.batch, n - start);
    const torch::Tensor scores = forward_tensor(module, x_.narrow(0, start, len));
    const torch::Tensor target = y_.narrow(0, start, len);
    tally.add(scores, target, start);
    if (options_.loss == ScriptLoss::kCrossEntropy) {
      loss_sum += torch::nn::functional::cross_entropy(
                      scores, target, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                      .item<double>();
    } else if (options_.loss == ScriptLoss::kNll) {
      loss_sum += torch::nll_loss(scores, target, {}, at::Reduction::Sum).item<double>();
    }
  }
  return tally.metrics(options_.loss == ScriptLoss::kNone ? std::numeric_limits<double>::quiet_NaN() : loss_sum);
}

void ScriptBatchEvaluator::compare_with(const core::NamedTensors& reference, TallyOptions options) {
  torch::NoGradGuard no_grad;
  torch::jit::Module& module = clones_.front();
  load_variant(module, reference);
  std::vector<torch::Tensor> top1, top5;
  for (int64_t start = 0; start < x_.size(0); start += options_.batch) {
    const int64_t len = std::min(options_.batch, x_.size(0) - start);
    const ReferenceCorrect c =
        ClassifierTally::correct_of(forward_tensor(module, x_.narrow(0, start, len)), y_.narrow(0, start, len));
    top1.push_back(c.top1);
    top5.push_back(c.top5);
  }
  reference_ = ReferenceCorrect{torch::cat(top1), torch::cat(top5)};
  tally_ = options;
}

std::vector<train::ClassifierMetrics> ScriptBatchEvaluator::evaluate(
    const std::vector<core::NamedTensors>& variants) const {
  std::vector<train::ClassifierMetrics> out(variants.size());
  const int workers = std::min<int>(options_.workers, static_cast<int>(variants.size()));
  if (workers <= 1) {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < variants.size(); ++i) out[i] = evaluate_one(clones_.front(), variants[i]);
    return out;
  }
  const int saved_threads = torch::get_num_threads();
  try {
    core::parallel_for(variants.size(), workers, [&](size_t i, int w) {
      torch::set_num_threads(1);  // parallel across variants, not inside one forward
      torch::NoGradGuard no_grad;
      out[i] = evaluate_one(clones_[static_cast<size_t>(w)], variants[i]);
    });
  } catch (...) {
    torch::set_num_threads(saved_threads);
    throw;
  }
  torch::set_num_threads(saved_threads);
  return out;
}

}  // namespace netprobe::models
