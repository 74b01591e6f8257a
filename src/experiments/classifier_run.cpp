#include "experiments/classifier_run.h"

#include <chrono>

#include <fmt/format.h>

#include "core/checkpoint.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/seeding.h"
#include "train/classification.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

namespace netprobe::experiments {

using models::Mlp;
using models::MlpOptions;

using core::Json;

Json ClassifierRunConfig::to_json() const {
  Json j{{"dataset", task.dataset},
         {"classes", task.classes},
         {"hidden", hidden},
         {"activation", models::to_string(activation)},
         {"bias", bias},
         {"epochs", epochs},
         {"batch", batch},
         {"lr", lr},
         {"optimizer", train::to_string(optimizer)},
         {"schedule", train::to_string(schedule)},
         {"seed", seed}};
  // Only when not the default: runs and caches written before the option keep their keys.
  if (task.inputs != data::InputScale::kSigned) j["inputs"] = data::to_string(task.inputs);
  return j;
}

ClassifierRunConfig ClassifierRunConfig::from_json(const Json& json, const std::string& source) {
  try {
    ClassifierRunConfig c;
    c.task = data::TaskSpec{json.at("dataset").get<std::string>(), json.at("classes").get<std::vector<int>>()};
    if (json.contains("inputs")) c.task.inputs = data::parse_input_scale(json.at("inputs").get<std::string>());
    c.hidden = json.at("hidden").get<std::vector<int64_t>>();
    c.activation = models::parse_activation(json.at("activation").get<std::string>());
    c.bias = json.at("bias").get<bool>();
    c.epochs = json.at("epochs").get<int>();
    c.batch = json.at("batch").get<int64_t>();
    c.lr = json.at("lr").get<double>();
    c.optimizer = train::parse_optimizer(json.at("optimizer").get<std::string>());
    c.schedule = train::parse_lr_schedule(json.at("schedule").get<std::string>());
    c.seed = json.at("seed").get<uint64_t>();
    data::validate_task(c.task);
    c.validate();  // a damaged or hand-edited file is named, not blamed on an option
    return c;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid run config ({})", source, e.what()));
  }
}

void ClassifierRunConfig::validate() const {
  if (epochs < 1) throw core::UsageError(fmt::format("--epochs: must be >= 1, got {}", epochs));
  if (batch < 0) throw core::UsageError(fmt::format("--batch: must be >= 0, got {}", batch));
  if (!(lr > 0)) throw core::UsageError(fmt::format("--lr: must be > 0, got {}", lr));
  for (int64_t h : hidden) {
    if (h < 1) throw core::UsageError(fmt::format("--hidden: layer sizes must be >= 1, got {}", h));
  }
}

void ClassifierRunConfig::check_memory(int64_t input_size) const {
  double parameters = 0, in = static_cast<double>(input_size);
  for (int64_t h : hidden) {
    parameters += (in + 1) * static_cast<double>(h);
    in = static_cast<double>(h);
  }
  parameters += (in + 1) * static_cast<double>(task.classes.size());
  std::string shape = std::to_string(input_size);
  for (int64_t h : hidden) shape += "-" + std::to_string(h);
  core::check_memory(parameters * 4 * sizeof(float),
                     fmt::format("--hidden: a {}-{} MLP ({:.3g} parameters)", shape, task.classes.size(), parameters));
}

std::string ClassifierRunConfig::hash(int threads) const {
  return fmt::format("{:016x}", core::derive_seed(core::tag_of(to_json().dump()), {static_cast<uint64_t>(threads)}));
}

MlpOptions ClassifierRunConfig::mlp_options(int64_t input_size) const {
  return MlpOptions(input_size, static_cast<int64_t>(task.classes.size()))
      .hidden(hidden)
      .activation(activation)
      .bias(bias);
}

namespace {

Mlp fit_classifier(const ClassifierRunConfig& config, const data::Task& task, bool progress,
                   const std::vector<train::EpochCallback>& callbacks, std::vector<Json>* history) {
  Mlp model(config.mlp_options(task.train_x.size(1)));
  at::Generator init = core::make_generator(core::derive_seed(config.seed, {core::tag_of("init")}));
  model->reset_parameters(init);
  train::Optimizer optimizer({{model->parameters(), 1.0}}, {config.optimizer, config.lr});
  train::TensorDataSource source(task.train_x, task.train_y, config.batch,
                                 core::derive_seed(config.seed, {core::tag_of("data")}));
  const train::ForwardFn forward = [&](const torch::Tensor& x) { return model->forward(x); };
  const auto evaluate = [&](int) {
    const auto test = train::evaluate_classifier(forward, task.test_x, task.test_y);
    return Json{{"test_loss", test.loss}, {"test_acc", test.accuracy}};
  };
  train::TrainConfig train_config;
  train_config.epochs = config.epochs;
  train_config.schedule = config.schedule;
  train_config.progress = progress;
  train_config.label = task.spec.id();
  auto records = train::fit(optimizer, source, train::classification_step(forward), train_config, evaluate, callbacks);
  if (history != nullptr) *history = std::move(records);
  return model;
}

}  // namespace

Mlp train_classifier(const ClassifierRunConfig& config, const data::Task& task, bool progress,
                     std::vector<Json>* history) {
  return fit_classifier(config, task, progress, {}, history);
}

Json train_classifier_run(const ClassifierRunConfig& config, const data::Task& task, const fs::path& out_dir,
                          int threads, bool progress) {
  config.validate();
  config.check_memory(task.train_x.size(1));
  core::StagedDirectory staged(out_dir, core::kind::kClassifier);
  core::JsonLinesWriter metrics(staged.staging() / "metrics.jsonl");
  const auto start = std::chrono::steady_clock::now();
  Mlp model = fit_classifier(config, task, progress, {[&](const Json& r) { metrics.write(r); }}, nullptr);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const train::ForwardFn forward = [&](const torch::Tensor& x) { return model->forward(x); };
  const auto train_m = train::evaluate_classifier(forward, task.train_x, task.train_y);
  const auto test_m = train::evaluate_classifier(forward, task.test_x, task.test_y);
  const core::NamedTensors params = core::parameters_of(*model);
  Json shapes = Json::array();
  for (const auto& [name, t] : params) shapes.push_back({{"name", name}, {"shape", t.sizes().vec()}});
  const auto& info = data::dataset_info(config.task.dataset);
  Json class_names = Json::array();
  for (int c : config.task.classes) class_names.push_back(info.class_names.at(static_cast<size_t>(c)));

  core::save_tensors(staged.staging() / "weights.pt", params);
  core::write_json(staged.staging() / "config.json", config.to_json());
  const Json meta = core::write_meta(staged.staging(), core::kind::kClassifier,
                                     {{"task",
                                       {{"id", task.spec.id()},
                                        {"class_names", class_names},
                                        {"train_size", task.train_x.size(0)},
                                        {"test_size", task.test_x.size(0)}}},
                                      {"config", config.to_json()},
                                      {"architecture", {{"input_size", task.train_x.size(1)}, {"parameters", shapes}}},
                                      {"final",
                                       {{"train_acc", train_m.accuracy},
                                        {"train_loss", train_m.loss},
                                        {"test_acc", test_m.accuracy},
                                        {"test_loss", test_m.loss}}},
                                      {"train_seconds", seconds},
                                      {"threads", threads}});
  staged.commit();
  return meta;
}

ClassifierRun load_classifier_run(const fs::path& dir) {
  const fs::path meta_path = dir / "meta.json";
  ClassifierRun run;
  run.meta = core::open_run(dir, core::kind::kClassifier);
  if (!run.meta.contains("config") || !run.meta.contains("architecture")) {
    throw core::Error(fmt::format("{}: not a classifier run (no config/architecture)", meta_path.string()));
  }
  run.config = ClassifierRunConfig::from_json(run.meta["config"], meta_path.string());
  int64_t input_size = 0;
  try {
    input_size = run.meta["architecture"].at("input_size").get<int64_t>();
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid architecture ({})", meta_path.string(), e.what()));
  }
  try {
    if (input_size < 1) throw core::UsageError(fmt::format("input_size must be >= 1, got {}", input_size));
    run.config.check_memory(input_size);
  } catch (const core::UsageError& e) {
    throw core::Error(fmt::format("{}: invalid architecture ({})", meta_path.string(), e.what()));
  }
  run.model = Mlp(run.config.mlp_options(input_size));
  const fs::path weights = dir / "weights.pt";
  core::load_into(*run.model, core::load_tensors(weights), weights.string());
  run.model->eval();
  return run;
}

}  // namespace netprobe::experiments
