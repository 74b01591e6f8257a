#include "models/script_classifier.h"

#include <chrono>
#include <limits>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/tensor_bounds.h"
#include "core/zip_check.h"

namespace netprobe::models {
namespace {

using core::Error;

std::string shape_of(const torch::Tensor& t) { return fmt::format("[{}]", fmt::join(t.sizes(), ", ")); }

torch::Tensor tensor_of(const torch::IValue& out) {
  if (!out.isTensor()) throw Error(fmt::format("forward returned a {}, expected a tensor of scores", out.tagKind()));
  return out.toTensor();
}

torch::Tensor forward_tensor(torch::jit::Module& module, const torch::Tensor& x) {
  return tensor_of(module.forward({x}));
}

// A frozen copy of `module` (parameters become constants) put through LibTorch's inference passes
// (MKLDNN layouts, fused ops); numerics-changing folds (conv + batch norm) left out. One freeze at
// a time: the types it defines share one compilation unit, and concurrent freezes collide there
// ("method ... already defined").
torch::jit::Module frozen_copy(const torch::jit::Module& module) {
  static std::mutex one_at_a_time;
  const std::lock_guard<std::mutex> lock(one_at_a_time);
  torch::jit::Module frozen = torch::jit::freeze(module, c10::nullopt, /*optimize_numerics=*/false);
  return torch::jit::optimize_for_inference(frozen);
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
  core::check_zip_crcs(path);  // LibTorch does not: a changed byte would load as another value
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
  for (const auto& p : module_.named_parameters(/*recurse=*/true)) {
    core::check_within_storage(p.value, fmt::format("{}: parameter {}", source_, p.name));
  }
  for (const auto& b : module_.named_buffers(/*recurse=*/true)) {
    core::check_within_storage(b.value, fmt::format("{}: buffer {}", source_, b.name));
  }
  module_.eval();
}

core::NamedTensors ScriptClassifier::parameters() const {
  core::NamedTensors out;
  for (const auto& p : module_.named_parameters(/*recurse=*/true)) out.emplace_back(p.name, p.value.detach().clone());
  return out;
}

// One thread's module clone and which of its parameters currently differ from the intact ones.
struct ScriptBatchEvaluator::Worker {
  torch::jit::Module module;
  std::vector<bool> differs;
  const core::NamedTensors* loaded = nullptr;  // the variant loaded during the current call
  std::optional<torch::jit::Module> frozen;    // of the loaded variant, when whole-network runs use it
};

// The values entering each cut, per test batch (empty until computed); the least recently used
// cut goes first when the memory budget is reached.
struct ScriptBatchEvaluator::PrefixCache {
  using Values = std::vector<std::vector<c10::IValue>>;
  struct Entry {
    std::shared_ptr<const Values> values;
    int64_t bytes = 0;
    uint64_t used = 0;
  };
  std::mutex mutex;
  std::map<size_t, Entry> entries;
  int64_t bytes = 0, budget = 0;
  uint64_t clock = 0;

  std::shared_ptr<const Values> find(size_t at) {
    std::lock_guard<std::mutex> lock(mutex);
    const auto it = entries.find(at);
    if (it == entries.end()) return nullptr;
    it->second.used = ++clock;
    return it->second.values;
  }
  void keep(size_t at, std::shared_ptr<const Values> values, int64_t size) {
    std::lock_guard<std::mutex> lock(mutex);
    if (const auto it = entries.find(at); it != entries.end()) {  // grown by more batches
      bytes -= it->second.bytes;
      entries.erase(it);
    }
    if (size > budget) return;  // used for this call only
    while (bytes + size > budget && !entries.empty()) {
      auto oldest = std::min_element(entries.begin(), entries.end(),
                                     [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      bytes -= oldest->second.bytes;
      entries.erase(oldest);
    }
    entries[at] = {std::move(values), size, ++clock};
    bytes += size;
  }
};

namespace {

int64_t bytes_of(const c10::IValue& v) {
  if (v.isTensor()) return static_cast<int64_t>(v.toTensor().nbytes());
  int64_t sum = 0;
  if (v.isList()) {
    for (const c10::IValue& e : v.toList()) sum += bytes_of(e);
  } else if (v.isTuple()) {
    for (const c10::IValue& e : v.toTupleRef().elements()) sum += bytes_of(e);
  }
  return sum;
}

// Runs `f(i, worker)` for i < n on `workers` threads of one intra-op thread each (or inline).
void run_parallel(size_t n, int workers, const std::function<void(size_t, int)>& f) {
  if (workers <= 1 || n <= 1) {
    c10::InferenceMode inference;
    for (size_t i = 0; i < n; ++i) f(i, 0);
    return;
  }
  const int saved_threads = torch::get_num_threads();
  try {
    core::parallel_for(n, workers, [&](size_t i, int w) {
      torch::set_num_threads(1);  // parallel across variants or batches, not inside one forward
      c10::InferenceMode inference;
      f(i, w);
    });
  } catch (...) {
    torch::set_num_threads(saved_threads);
    throw;
  }
  torch::set_num_threads(saved_threads);
}

}  // namespace

ScriptBatchEvaluator::ScriptBatchEvaluator(const ScriptClassifier& model, torch::Tensor x, torch::Tensor y,
                                           ScriptEvalOptions options, std::string data_source)
    : intact_(model.parameters()),
      intact_module_(model.module().clone()),
      cuts_(std::make_unique<ForwardCuts>(model.module())),
      cache_(std::make_unique<PrefixCache>()),
      x_(std::move(x)),
      y_(std::move(y)),
      options_(options),
      source_(std::move(data_source)) {
  if (options_.batch < 1) throw core::UsageError(fmt::format("--batch: must be >= 1, got {}", options_.batch));
  if (options_.workers < 1) throw core::UsageError(fmt::format("workers must be >= 1, got {}", options_.workers));
  for (const auto& [name, t] : intact_) names_.push_back(name);
  for (int w = 0; w < options_.workers; ++w) {
    workers_.push_back({model.module().clone(), std::vector<bool>(names_.size(), false), nullptr, std::nullopt});
  }
  cache_->budget = options_.cache_bytes;

  torch::NoGradGuard no_grad;
  const torch::Tensor first = x_.narrow(0, 0, std::min<int64_t>(options_.batch, x_.size(0)));
  torch::Tensor out;
  try {
    out = forward_tensor(workers_.front().module, first);
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
  if (options_.frozen_graph != FrozenGraph::kNever) decide_frozen_graph();
}

// The frozen optimised graph is used only when it changes no output bit, for the intact model and
// for one with every parameter negated, on the first examples (up to 512: the check must stay cheap
// on a large test set), and a variant's whole test set, freezing included, takes less time.
void ScriptBatchEvaluator::decide_frozen_graph() {
  c10::InferenceMode inference;
  const int64_t checked = std::min<int64_t>(x_.size(0), std::max<int64_t>(512, options_.batch));
  const auto scores = [&](torch::jit::Module& m) {
    std::vector<torch::Tensor> out;
    for (int64_t start = 0; start < checked; start += options_.batch) {
      out.push_back(forward_tensor(m, x_.narrow(0, start, std::min(options_.batch, checked - start))));
    }
    return torch::cat(out);
  };
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  torch::jit::Module& module = workers_.front().module;
  const auto restore_intact = [&](torch::jit::Module& m) {
    size_t k = 0;
    for (const auto& p : m.named_parameters(true)) p.value.detach().copy_(intact_[k++].second);
  };
  try {
    double plain_time = 0, frozen_time = 0, freeze_time = 0;  // of the last (negated) model
    for (const bool negated : {false, true}) {
      if (negated) {
        for (const auto& p : module.named_parameters(true)) p.value.detach().neg_();
      }
      auto t = Clock::now();
      const torch::Tensor plain = scores(module);
      plain_time = seconds_since(t);
      t = Clock::now();
      torch::jit::Module frozen = frozen_copy(module);
      freeze_time = seconds_since(t);
      t = Clock::now();
      const torch::Tensor fast = scores(frozen);
      frozen_time = seconds_since(t);
      if (!plain.equal(fast)) {
        frozen_note_ = fmt::format("its outputs differ from the model's by up to {:.2g}",
                                   (plain - fast).abs().max().item<double>());
        break;
      }
    }
    restore_intact(module);
    if (frozen_note_.empty()) {
      const double scale = static_cast<double>(x_.size(0)) / static_cast<double>(checked);
      const double ratio = (freeze_time + scale * frozen_time) / (scale * plain_time);
      frozen_ = options_.frozen_graph == FrozenGraph::kWhenIdentical || ratio < 0.9;
      frozen_note_ = fmt::format("bit-identical outputs, {:.2g}x the time of the model's own forward with freezing{}",
                                 ratio, ratio < 0.9 ? "" : ": no faster");
    }
  } catch (const std::exception& e) {
    restore_intact(module);  // whatever happened (a pass that does not support the model)
    frozen_ = false;
    frozen_note_ = fmt::format("LibTorch cannot freeze it: {}", torch_error_line(e));
  }
}

ScriptBatchEvaluator::~ScriptBatchEvaluator() = default;

std::vector<std::string> ScriptBatchEvaluator::whole_network_parameters() const {
  std::vector<std::string> out;
  for (size_t i : cuts_->from_input()) out.push_back(names_[i]);
  return out;
}

size_t ScriptBatchEvaluator::batches() const {
  return static_cast<size_t>((x_.size(0) + options_.batch - 1) / options_.batch);
}

std::shared_ptr<const std::vector<std::vector<c10::IValue>>> ScriptBatchEvaluator::prefix_values(size_t at,
                                                                                                 size_t first,
                                                                                                 size_t last) const {
  const int64_t n = x_.size(0);
  std::shared_ptr<const PrefixCache::Values> found = cache_->find(at);
  std::vector<size_t> missing;
  for (size_t b = first; b < last; ++b) {
    if (!found || found->at(b).empty()) missing.push_back(b);
  }
  if (missing.empty()) return found;
  auto values =
      found ? std::make_shared<PrefixCache::Values>(*found) : std::make_shared<PrefixCache::Values>(batches());
  run_parallel(missing.size(), options_.workers, [&](size_t i, int) {
    const size_t b = missing[i];
    const auto start = static_cast<int64_t>(b) * options_.batch;
    (*values)[b] = cuts_->run_prefix(at, intact_module_, x_.narrow(0, start, std::min(options_.batch, n - start)));
  });
  int64_t size = 0;
  for (const auto& batch : *values) {
    for (const auto& v : batch) size += bytes_of(v);
  }
  cache_->keep(at, values, size);
  return values;
}

std::vector<std::vector<torch::Tensor>> ScriptBatchEvaluator::scores_of(const std::vector<core::NamedTensors>& variants,
                                                                        size_t first_batch, size_t last_batch) const {
  const int64_t n = x_.size(0);
  const size_t batches = last_batch - first_batch;
  // Where each variant starts: after the last cut before its first changed parameter.
  std::vector<size_t> cut(variants.size(), 0);
  std::map<size_t, std::shared_ptr<const PrefixCache::Values>> prefixes;
  for (size_t v = 0; v < variants.size(); ++v) {
    const core::NamedTensors& variant = variants[v];
    if (variant.size() != names_.size()) {
      throw Error(fmt::format("parameter set has {} tensors, the model {}", variant.size(), names_.size()));
    }
    std::vector<size_t> changed;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (variant[i].first != names_[i])
        throw Error(fmt::format("parameter set does not match the model at '{}'", names_[i]));
      if (!variant[i].second.is_same(intact_[i].second)) changed.push_back(i);
    }
    cut[v] = options_.reuse_prefix ? cuts_->cut_of(changed) : 0;
    if (cut[v] > 0 && prefixes.count(cut[v]) == 0) prefixes[cut[v]] = prefix_values(cut[v], first_batch, last_batch);
  }
  // Work items: whole variants, or ranges of batches when there are fewer variants than workers.
  struct Item {
    size_t variant, first, last;
  };
  std::vector<Item> items;
  const size_t pieces = std::min(
      batches, std::max<size_t>(1, static_cast<size_t>(options_.workers) / std::max<size_t>(variants.size(), 1)));
  for (size_t v = 0; v < variants.size(); ++v) {
    for (size_t p = 0; p < pieces; ++p) items.push_back({v, batches * p / pieces, batches * (p + 1) / pieces});
  }
  for (auto& w : workers_) w.loaded = nullptr;
  std::vector<std::vector<torch::Tensor>> scores(variants.size(), std::vector<torch::Tensor>(batches));
  run_parallel(items.size(), std::min<int>(options_.workers, static_cast<int>(items.size())), [&](size_t i, int w) {
    const Item& item = items[i];
    Worker& worker = workers_[static_cast<size_t>(w)];
    const core::NamedTensors& variant = variants[item.variant];
    const size_t at = cut[item.variant];
    if (worker.loaded != &variant) {
      size_t k = 0;
      for (const auto& p : worker.module.named_parameters(/*recurse=*/true)) {
        const bool same = variant[k].second.is_same(intact_[k].second);
        if (!same || worker.differs[k]) p.value.detach().copy_(variant[k].second);
        worker.differs[k] = !same;
        ++k;
      }
      worker.loaded = &variant;
      worker.frozen.reset();
      if (at == 0 && frozen_) worker.frozen = frozen_copy(worker.module);
    }
    for (size_t i_b = item.first; i_b < item.last; ++i_b) {
      const size_t b = first_batch + i_b;
      const auto start = static_cast<int64_t>(b) * options_.batch;
      const torch::Tensor x = x_.narrow(0, start, std::min(options_.batch, n - start));
      if (at == 0) {
        scores[item.variant][i_b] = forward_tensor(worker.frozen ? *worker.frozen : worker.module, x);
        continue;
      }
      std::vector<c10::IValue> live;
      for (const c10::IValue& v : prefixes.at(at)->at(b)) live.push_back(fresh_copy(v));
      scores[item.variant][i_b] = tensor_of(cuts_->run_suffix(at, worker.module, x, std::move(live)));
    }
  });
  return scores;
}

train::ClassifierMetrics ScriptBatchEvaluator::tally(const std::vector<torch::Tensor>& scores, int64_t start) const {
  ClassifierTally tally(classes_, tally_, reference_ ? &*reference_ : nullptr);
  double loss_sum = 0;
  for (const torch::Tensor& s : scores) {
    const torch::Tensor target = y_.narrow(0, start, s.size(0));
    tally.add(s, target, start);
    if (options_.loss == ScriptLoss::kCrossEntropy) {
      loss_sum += torch::nn::functional::cross_entropy(
                      s, target, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                      .item<double>();
    } else if (options_.loss == ScriptLoss::kNll) {
      loss_sum += torch::nll_loss(s, target, {}, at::Reduction::Sum).item<double>();
    }
    start += s.size(0);
  }
  return tally.metrics(options_.loss == ScriptLoss::kNone ? std::numeric_limits<double>::quiet_NaN() : loss_sum);
}

void ScriptBatchEvaluator::compare_with(const core::NamedTensors& reference, TallyOptions options) {
  std::vector<torch::Tensor> top1, top5;
  int64_t start = 0;
  const std::vector<std::vector<torch::Tensor>> scores = scores_of({reference}, 0, batches());
  for (const torch::Tensor& s : scores.front()) {
    const ReferenceCorrect c = ClassifierTally::correct_of(s, y_.narrow(0, start, s.size(0)));
    top1.push_back(c.top1);
    top5.push_back(c.top5);
    start += s.size(0);
  }
  reference_ = ReferenceCorrect{torch::cat(top1), torch::cat(top5)};
  tally_ = options;
}

std::vector<train::ClassifierMetrics> ScriptBatchEvaluator::evaluate(
    const std::vector<core::NamedTensors>& variants) const {
  return evaluate(variants, 0, x_.size(0));
}

std::vector<train::ClassifierMetrics> ScriptBatchEvaluator::evaluate(const std::vector<core::NamedTensors>& variants,
                                                                     int64_t first, int64_t last) const {
  const int64_t n = x_.size(0);
  if (first < 0 || first >= last || last > n || first % options_.batch != 0 ||
      (last % options_.batch != 0 && last != n)) {
    throw Error(fmt::format("examples {} .. {} of {} are not whole batches of {}", first, last, n, options_.batch));
  }
  const auto first_batch = static_cast<size_t>(first / options_.batch);
  const auto last_batch = static_cast<size_t>((last + options_.batch - 1) / options_.batch);
  const std::vector<std::vector<torch::Tensor>> scores = scores_of(variants, first_batch, last_batch);
  std::vector<train::ClassifierMetrics> out;
  out.reserve(scores.size());
  c10::InferenceMode inference;
  for (const auto& s : scores) out.push_back(tally(s, first));
  return out;
}

}  // namespace netprobe::models
