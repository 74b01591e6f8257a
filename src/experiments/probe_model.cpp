#include "experiments/probe_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "data/datasets.h"
#include "data/tensor_file.h"
#include "experiments/classifier_run.h"
#include "experiments/study_tasks.h"
#include "models/mlp_batched.h"
#include "models/mlp_script.h"
#include "models/script_classifier.h"
#include "models/script_layers.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;
using core::UsageError;

struct TestSet {
  torch::Tensor x, y;
  std::string name;  // task id or file name
};

// The test examples in a fixed random order (ProbeModelSource::random_order): the same for every
// model and seed, so a run directory and its exported model see the same samples.
void put_in_random_order(TestSet& set) {
  at::Generator gen = core::make_generator(core::tag_of("test order"));
  const torch::Tensor order = torch::randperm(set.x.size(0), gen, torch::kLong);
  set.x = set.x.index_select(0, order);
  set.y = set.y.index_select(0, order);
}

// The MLP engine on parts of the test set: one evaluator per part, each compared with the intact
// model on its own examples.
class MlpParts {
 public:
  MlpParts(models::MlpOptions options, torch::Tensor x, torch::Tensor y)
      : options_(options), x_(std::move(x)), y_(std::move(y)) {}
  void compare_with(const core::NamedTensors& reference, models::TallyOptions tally) {
    reference_ = reference;
    tally_ = tally;
  }
  std::vector<train::ClassifierMetrics> evaluate(const std::vector<core::NamedTensors>& variants, int64_t first,
                                                 int64_t last) {
    std::shared_ptr<models::MlpBatchEvaluator> part;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      auto& slot = parts_[{first, last}];
      if (!slot) {
        slot = std::make_shared<models::MlpBatchEvaluator>(options_, x_.narrow(0, first, last - first),
                                                           y_.narrow(0, first, last - first));
        if (tally_) slot->compare_with(reference_, *tally_);
      }
      part = slot;
    }
    return part->evaluate(variants);
  }

 private:
  models::MlpOptions options_;
  torch::Tensor x_, y_;
  core::NamedTensors reference_;
  std::optional<models::TallyOptions> tally_;
  std::mutex mutex_;
  std::map<std::pair<int64_t, int64_t>, std::shared_ptr<models::MlpBatchEvaluator>> parts_;
};

std::optional<data::TaskSpec> task_named(const std::string& text) {
  for (const auto& info : data::dataset_registry()) {
    if (info.name != text) continue;
    std::vector<int> classes(info.class_names.size());
    std::iota(classes.begin(), classes.end(), 0);
    return data::TaskSpec{info.name, classes};
  }
  return parse_task_id(text);
}

TestSet load_test_set(const ProbeModelSource& source, const std::optional<data::TaskSpec>& default_task,
                      const std::optional<fs::path>& data_dir) {
  TestSet set;
  std::error_code ec;
  if (!source.data.empty() && fs::exists(source.data, ec)) {
    const data::LabeledTensors t = data::load_tensor_file(source.data);
    set = {t.x, t.y, fs::path(source.data).filename().string()};
  } else {
    std::optional<data::TaskSpec> spec = source.data.empty() ? default_task : task_named(source.data);
    if (!spec) {
      throw UsageError(
          fmt::format("--data: '{}' is neither a file nor a task id (mnist-7v9) or dataset name (mnist, fashion-mnist)",
                      source.data));
    }
    const data::Task task = data::load_task(*spec, data_dir);
    set = {task.test_x, task.test_y, spec->id()};
  }
  if (!source.input_shape.empty()) {
    const int64_t per_example = set.x.numel() / set.x.size(0);
    const int64_t wanted =
        std::accumulate(source.input_shape.begin(), source.input_shape.end(), int64_t{1}, std::multiplies<int64_t>());
    if (wanted != per_example) {
      throw UsageError(fmt::format("--input-shape: {} is {} values per example, {} has {}",
                                   fmt::join(source.input_shape, "x"), wanted, set.name, per_example));
    }
    std::vector<int64_t> shape{set.x.size(0)};
    shape.insert(shape.end(), source.input_shape.begin(), source.input_shape.end());
    set.x = set.x.reshape(shape);
  }
  return set;
}

// The metric and its checks, the comparison with the intact model, and the sweep engine's evaluator.
template <typename Evaluator>
void finish(ProbeModel& m, const std::shared_ptr<Evaluator>& evaluator, const ProbeModelSource& source) {
  m.metric = probes::parse_classifier_metric(source.metric);
  if (m.metric == probes::Metric::kTop5 && m.classes <= 5) {
    throw UsageError(fmt::format("--metric: top5 needs more than 5 classes; the model has {}", m.classes));
  }
  if (m.metric == probes::Metric::kLoss && m.kind == "torchscript" && source.loss == "none") {
    throw UsageError(
        "--metric loss: name the model's loss with --loss cross-entropy (logits) or nll (log-probabilities)");
  }
  // A model that already outputs NaN or inf has nothing to compare against: every number would be wrong.
  const train::ClassifierMetrics intact = evaluator->evaluate({m.target.params}).front();
  if (intact.nonfinite > 0) {
    throw core::Error(
        fmt::format("{}: the model's outputs are NaN or infinite for {} of {} examples of {}; nothing "
                    "is scored",
                    source.model.string(), intact.nonfinite, intact.examples, m.task));
  }
  if (source.loss != "none" && std::isinf(intact.loss)) {
    throw core::Error(
        fmt::format("{}: the model's {} loss on {} is infinite (an output gives probability 0 to a "
                    "true label); nothing is scored",
                    source.model.string(), source.loss, m.task));
  }
  if (source.compare) {
    evaluator->compare_with(m.target.params, {m.metric == probes::Metric::kTop5, m.metric == probes::Metric::kMacroF1});
  }
  const probes::Metric metric = m.metric;
  m.evaluate = [evaluator, metric](const std::vector<core::NamedTensors>& v) {
    return as_evaluations(evaluator->evaluate(v), metric);
  };
}

ProbeModel load_netprobe_mlp(const ProbeModelSource& source, const core::RunContext& context) {
  const ClassifierRun run = load_classifier_run(source.model);
  TestSet test = load_test_set(source, run.config.task, context.data_dir);
  if (source.random_order) put_in_random_order(test);
  const int64_t input_size = run.model->options().input_size();
  const torch::Tensor x = test.x.reshape({test.x.size(0), -1});
  if (x.size(1) != input_size) {
    throw core::Error(fmt::format("{}: the model takes {} inputs, x from {} has shape [{}] ({} per example)",
                                  source.model.string(), input_size, test.name, fmt::join(test.x.sizes(), ", "),
                                  x.size(1)));
  }
  const int64_t classes = run.model->options().classes();
  if (test.y.max().item<int64_t>() >= classes) {
    throw core::Error(fmt::format("{}: labels go up to {} but {} outputs {} classes", test.name,
                                  test.y.max().item<int64_t>(), source.model.string(), classes));
  }
  ProbeModel m;
  m.kind = "netprobe-mlp";
  m.task = test.name;
  m.seed = context.seed_or(run.config.seed);
  m.classes = classes;
  const core::NamedTensors params = core::parameters_of(*run.model);
  m.target = {params, models::layers_of_named_parameters(params), probes::RoleSet::parse_include(source.include)};
  auto evaluator = std::make_shared<models::MlpBatchEvaluator>(run.model->options(), x, test.y);
  finish(m, evaluator, source);
  auto parts = std::make_shared<MlpParts>(run.model->options(), x, test.y);
  if (source.compare) parts->compare_with(m.target.params, {m.metric == probes::Metric::kTop5, false});
  m.evaluate_range = [parts, metric = m.metric](const std::vector<core::NamedTensors>& v, int64_t first, int64_t last) {
    return as_evaluations(parts->evaluate(v, first, last), metric);
  };
  const models::MlpOptions options = run.model->options();
  m.as_script = [options](const core::NamedTensors& values) {
    models::Mlp mlp(options);
    core::load_into(*mlp, values, "the pruned model");
    return models::script_mlp(*mlp);
  };
  return m;
}

ProbeModel load_torchscript(const ProbeModelSource& source, const core::RunContext& context) {
  if (source.data.empty()) {
    throw UsageError(
        "--data: required for a TorchScript model (a torch.save file {\"x\": inputs, \"y\": labels}, or a task id "
        "such as mnist-7v9)");
  }
  const models::ScriptLoss loss = models::parse_script_loss(source.loss);
  if (source.batch < 1) throw UsageError(fmt::format("--batch: must be >= 1, got {}", source.batch));
  const models::ScriptClassifier model = models::ScriptClassifier::load(source.model);
  TestSet test = load_test_set(source, std::nullopt, context.data_dir);
  if (source.random_order) put_in_random_order(test);
  auto evaluator = std::make_shared<models::ScriptBatchEvaluator>(
      model, test.x, test.y, models::ScriptEvalOptions{source.batch, loss, std::max(1, context.threads)}, test.name);
  ProbeModel m;
  m.kind = "torchscript";
  m.task = test.name;
  m.seed = context.seed_or(0);
  m.classes = evaluator->classes();
  // The evaluator's own intact tensors: variants that keep them are recognised as unchanged there.
  m.target = {evaluator->intact(),
              models::layers_of_script_module(model.module(), {source.split_attention, source.split_gates}),
              probes::RoleSet::parse_include(source.include)};
  for (const auto& part : m.target.select(probes::Scope::all()).parts) {
    const torch::Tensor& t = m.target.params.at(part.parameter).second;
    if (!t.is_floating_point()) {
      throw UsageError(fmt::format("--include: {} of {} holds {} values, which cannot be probed; leave 'others' out",
                                   part.name, source.model.string(), c10::toString(t.scalar_type())));
    }
  }
  m.independent_variants = true;
  m.whole_network_parameters = evaluator->whole_network_parameters();
  m.why_whole_network = evaluator->why_not_cut();
  m.frozen_graph = evaluator->uses_frozen_graph();
  m.frozen_graph_note = evaluator->frozen_graph_note();
  finish(m, evaluator, source);
  m.evaluate_range = [evaluator, metric = m.metric](const std::vector<core::NamedTensors>& v, int64_t first,
                                                    int64_t last) {
    return as_evaluations(evaluator->evaluate(v, first, last), metric);
  };
  m.batch = source.batch;
  m.as_script = [model](const core::NamedTensors& params) {
    torch::jit::Module copy = model.module().clone();
    size_t i = 0;
    torch::NoGradGuard no_grad;
    for (const auto& p : copy.named_parameters(/*recurse=*/true)) p.value.detach().copy_(params.at(i++).second);
    return copy;
  };
  return m;
}

}  // namespace

std::vector<probes::Evaluation> as_evaluations(const std::vector<train::ClassifierMetrics>& metrics,
                                               probes::Metric metric) {
  std::vector<probes::Evaluation> out;
  out.reserve(metrics.size());
  for (const auto& m : metrics) {
    probes::Evaluation e{m.accuracy, m.loss, m.examples, -1, -1, m.nonfinite};
    switch (metric) {
      case probes::Metric::kAccuracy: e.lost = m.lost, e.gained = m.gained, e.intact_right = m.intact_right; break;
      case probes::Metric::kTop5:
        e.value = m.top5, e.lost = m.lost_top5, e.gained = m.gained_top5, e.intact_right = m.intact_right_top5;
        break;
      case probes::Metric::kMacroF1: e.value = m.macro_f1; break;
      case probes::Metric::kLoss: e.value = m.loss; break;
      case probes::Metric::kVarianceExplained: break;
    }
    // Without a comparison every count stays -1 (no paired counts); with one, the metric without
    // counts still records its examples.
    if (m.lost < 0) e.lost = e.gained = -1;
    if (e.lost < 0 && m.lost >= 0) e.lost = e.gained = 0;
    out.push_back(e);
  }
  return out;
}

ProbeModel load_probe_model(const ProbeModelSource& source, const core::RunContext& context) {
  std::error_code ec;
  if (fs::is_directory(source.model, ec)) {
    if (source.loss != "none" && source.loss != "nll") {
      throw UsageError(
          fmt::format("--loss: a netprobe MLP outputs log-probabilities, its loss is nll, got '{}'", source.loss));
    }
    return load_netprobe_mlp(source, context);
  }
  return load_torchscript(source, context);
}

probes::ProbeTarget load_probe_target(const ProbeModelSource& source) {
  std::error_code ec;
  if (fs::is_directory(source.model, ec)) {
    const core::NamedTensors params = core::parameters_of(*load_classifier_run(source.model).model);
    return {params, models::layers_of_named_parameters(params), probes::RoleSet::parse_include(source.include)};
  }
  const models::ScriptClassifier model = models::ScriptClassifier::load(source.model);
  return {model.parameters(),
          models::layers_of_script_module(model.module(), {source.split_attention, source.split_gates}),
          probes::RoleSet::parse_include(source.include)};
}

void check_scope(const probes::ProbeTarget& target, const std::string& scope) {
  const probes::Scope s = probes::Scope::parse(scope);
  if (s.label().empty()) throw UsageError("--scope: empty; name a layer or all");
  const std::vector<std::string> probed = target.probed_layers();
  if (probed.empty()) {
    throw UsageError(fmt::format("{}: no layer holds a tensor in the probed roles ({}); its layers: {}", "--include",
                                 target.roles.label(), fmt::join(target.layers.names(), ", ")));
  }
  for (const auto& name : s.layers()) {
    const probes::Selection one = target.select(probes::Scope::parse(name));  // UsageError for an unknown name
    if (one.empty()) {
      throw UsageError(
          fmt::format("--scope: layer '{}' holds no tensor in the probed roles ({}; add --include biases or norms); "
                      "layers that can be probed: {}",
                      name, target.roles.label(), fmt::join(probed, ", ")));
    }
  }
}

}  // namespace netprobe::experiments
