#include "experiments/classifier_run.h"

#include <chrono>

#include <fmt/format.h>

#include "core/checkpoint.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/seeding.h"
#include "models/mlp_group_trainer.h"
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

// Every config must differ from the first one only in its seed: they train as one group.
void check_group(const std::vector<ClassifierRunConfig>& configs) {
  if (configs.empty()) throw core::Error("train: no models to train");
  Json first = configs.front().to_json();
  first.erase("seed");
  for (const auto& c : configs) {
    c.validate();
    Json j = c.to_json();
    j.erase("seed");
    if (j != first) throw core::Error("train: models trained together must differ only in their seeds");
  }
}

// Trains `configs` (checked by check_group) together; `callbacks[i]` see model i's epochs.
std::vector<Mlp> fit_classifiers(const std::vector<ClassifierRunConfig>& configs, const data::Task& task, bool progress,
                                 const std::vector<std::vector<train::EpochCallback>>& callbacks,
                                 std::vector<std::vector<Json>>* histories) {
  const ClassifierRunConfig& config = configs.front();
  std::vector<train::TensorDataSource> sources;
  sources.reserve(configs.size());
  std::vector<models::MlpGroupMember> members;
  for (size_t i = 0; i < configs.size(); ++i) {
    Mlp model(config.mlp_options(task.train_x.size(1)));
    at::Generator init = core::make_generator(core::derive_seed(configs[i].seed, {core::tag_of("init")}));
    model->reset_parameters(init);
    sources.emplace_back(task.train_x, task.train_y, config.batch,
                         core::derive_seed(configs[i].seed, {core::tag_of("data")}));
    models::MlpGroupMember member;
    member.model = model;
    member.source = &sources.back();
    member.evaluate = [model, &task](int) mutable {
      const auto test = train::evaluate_classifier([&](const torch::Tensor& x) { return model->forward(x); },
                                                   task.test_x, task.test_y);
      return Json{{"test_loss", test.loss}, {"test_acc", test.accuracy}};
    };
    if (i < callbacks.size()) member.callbacks = callbacks[i];
    members.push_back(std::move(member));
  }
  train::TrainConfig train_config;
  train_config.epochs = config.epochs;
  train_config.schedule = config.schedule;
  train_config.progress = progress;
  train_config.label = task.spec.id();
  auto records = models::fit_mlp_group(members, {config.optimizer, config.lr}, train_config);
  if (histories != nullptr) *histories = std::move(records);
  std::vector<Mlp> trained;
  for (auto& m : members) trained.push_back(m.model);
  return trained;
}

// Writes a trained model's files into its staged run directory and commits it.
Json write_classifier_run(const ClassifierRunConfig& config, const data::Task& task, Mlp model, double seconds,
                          int threads, core::StagedDirectory& staged) {
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

}  // namespace

Mlp train_classifier(const ClassifierRunConfig& config, const data::Task& task, bool progress,
                     std::vector<Json>* history) {
  check_group({config});
  std::vector<std::vector<Json>> histories;
  Mlp model = fit_classifiers({config}, task, progress, {}, &histories).front();
  if (history != nullptr) *history = std::move(histories.front());
  return model;
}

std::vector<Mlp> train_classifiers(const std::vector<ClassifierRunConfig>& configs, const data::Task& task,
                                   bool progress) {
  check_group(configs);
  return fit_classifiers(configs, task, progress, {}, nullptr);
}

Json train_classifier_run(const ClassifierRunConfig& config, const data::Task& task, const fs::path& out_dir,
                          int threads, bool progress) {
  return train_classifier_runs({config}, task, {out_dir}, threads, progress).front();
}

std::vector<Json> train_classifier_runs(const std::vector<ClassifierRunConfig>& configs, const data::Task& task,
                                        const std::vector<fs::path>& out_dirs, int threads, bool progress) {
  if (configs.size() != out_dirs.size()) throw core::Error("train: one run directory per model");
  check_group(configs);  // before any directory is staged
  for (const auto& c : configs) c.check_memory(task.train_x.size(1));
  std::vector<std::unique_ptr<core::StagedDirectory>> staged;
  std::vector<std::unique_ptr<core::JsonLinesWriter>> metrics;
  std::vector<std::vector<train::EpochCallback>> callbacks;
  for (const auto& dir : out_dirs) {
    staged.push_back(std::make_unique<core::StagedDirectory>(dir, core::kind::kClassifier));
    metrics.push_back(std::make_unique<core::JsonLinesWriter>(staged.back()->staging() / "metrics.jsonl"));
    callbacks.push_back({[writer = metrics.back().get()](const Json& r) { writer->write(r); }});
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Mlp> models = fit_classifiers(configs, task, progress, callbacks, nullptr);
  // The group's time shared equally: what each model cost, not how long one took alone.
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                         static_cast<double>(configs.size());
  std::vector<Json> metas;
  for (size_t i = 0; i < configs.size(); ++i) {
    metrics[i].reset();
    metas.push_back(write_classifier_run(configs[i], task, models[i], seconds, threads, *staged[i]));
  }
  return metas;
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
