#include "experiments/probe_model.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"
#include "data/datasets.h"
#include "data/tensor_file.h"
#include "experiments/classifier_run.h"
#include "experiments/study_tasks.h"
#include "models/mlp_batched.h"
#include "models/script_classifier.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;
using core::UsageError;

struct TestSet {
  torch::Tensor x, y;
  std::string name;  // task id or file name
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

std::vector<std::string> layers_of(const core::NamedTensors& params) {
  std::vector<std::string> layers;
  for (const auto& [name, t] : params) {
    const std::string layer = layer_of(name);
    if (std::find(layers.begin(), layers.end(), layer) == layers.end()) layers.push_back(layer);
  }
  return layers;
}

ProbeModel load_netprobe_mlp(const ProbeModelSource& source, const core::RunContext& context) {
  const ClassifierRun run = load_classifier_run(source.model);
  TestSet test = load_test_set(source, run.config.task, context.data_dir);
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
  m.params = core::parameters_of(*run.model);
  m.layers = layers_of(m.params);
  auto evaluator = std::make_shared<models::MlpBatchEvaluator>(run.model->options(), x, test.y);
  m.evaluate = [evaluator](const std::vector<core::NamedTensors>& v) { return as_evaluations(evaluator->evaluate(v)); };
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
  const TestSet test = load_test_set(source, std::nullopt, context.data_dir);
  auto evaluator = std::make_shared<models::ScriptBatchEvaluator>(
      model, test.x, test.y, models::ScriptEvalOptions{source.batch, loss, std::max(1, context.threads)}, test.name);
  ProbeModel m;
  m.kind = "torchscript";
  m.task = test.name;
  m.seed = context.seed_or(0);
  m.classes = evaluator->classes();
  m.params = model.parameters();
  m.layers = layers_of(m.params);
  m.evaluate = [evaluator](const std::vector<core::NamedTensors>& v) { return as_evaluations(evaluator->evaluate(v)); };
  return m;
}

}  // namespace

std::vector<probes::Evaluation> as_evaluations(const std::vector<train::ClassifierMetrics>& metrics) {
  std::vector<probes::Evaluation> out;
  out.reserve(metrics.size());
  for (const auto& m : metrics) out.push_back({m.accuracy, m.loss});
  return out;
}

std::string layer_of(const std::string& parameter) {
  const size_t dot = parameter.rfind('.');
  return dot == std::string::npos ? parameter : parameter.substr(0, dot);
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

void check_scope(const ProbeModel& model, const std::string& scope) {
  const probes::Scope s = probes::Scope::parse(scope);
  for (const auto& part : s.layers()) {
    const probes::Scope layer = probes::Scope::parse(part);
    const bool found =
        std::any_of(model.params.begin(), model.params.end(), [&](const auto& p) { return layer.selects(p.first); });
    if (!found) {
      throw UsageError(
          fmt::format("--scope: the model has no layer '{}' (layers: {})", part, fmt::join(model.layers, ", ")));
    }
  }
}

}  // namespace netprobe::experiments
