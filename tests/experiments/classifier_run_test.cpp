#include "experiments/classifier_run.h"

#include <sstream>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/checkpoint.h"
#include "core/errors.h"
#include "tests/support/test_support.h"
#include "train/classification.h"

namespace netprobe::experiments {

using models::Activation;
using models::Mlp;
namespace {

namespace fs = std::filesystem;

// A small learnable task shaped like the real ones (784 inputs in [-1, 1], two classes).
data::Task small_task() {
  torch::manual_seed(3);
  data::Task task;
  task.spec = data::TaskSpec{"mnist", {7, 9}};
  task.num_classes = 2;
  const auto make = [](int64_t n, torch::Tensor& x, torch::Tensor& y) {
    y = torch::randint(0, 2, {n}, torch::kLong);
    x = (torch::rand({n, 784}) * 2 - 1) * 0.5 + y.to(torch::kFloat32).unsqueeze(1) * 0.2 - 0.1;
  };
  make(600, task.train_x, task.train_y);
  make(200, task.test_x, task.test_y);
  return task;
}

ClassifierRunConfig small_config() {
  ClassifierRunConfig c;
  c.hidden = {16};
  c.epochs = 3;
  c.batch = 64;
  c.seed = 4;
  return c;
}

TEST(ClassifierRunTest, WritesRunDirectoryThatLoadsBackExactly) {
  testing::TempDir tmp;
  const data::Task task = small_task();
  const core::Json meta = train_classifier_run(small_config(), task, tmp / "run", 1, false);
  for (const char* f : {"weights.pt", "meta.json", "config.json", "metrics.jsonl"}) {
    EXPECT_TRUE(fs::exists(tmp / "run" / f)) << f;
  }
  EXPECT_EQ(core::read_file(tmp / "run" / "metrics.jsonl").find("\"epoch\":3"),
            core::read_file(tmp / "run" / "metrics.jsonl").rfind("\"epoch\""));
  EXPECT_EQ(meta["task"]["id"], "mnist-7v9");
  EXPECT_EQ(meta["task"]["class_names"], core::Json({"7", "9"}));
  EXPECT_EQ(meta["threads"], 1);
  EXPECT_EQ(meta["config"]["seed"], 4);
  EXPECT_GT(meta["final"]["test_acc"].get<double>(), 90.0);

  ClassifierRun run = load_classifier_run(tmp / "run");
  EXPECT_EQ(run.config.to_json(), small_config().to_json());
  const auto reeval = train::evaluate_classifier([&](const torch::Tensor& x) { return run.model->forward(x); },
                                                 task.test_x, task.test_y);
  EXPECT_DOUBLE_EQ(reeval.accuracy, meta["final"]["test_acc"].get<double>());
  // Training again with the same seed and threads gives bit-identical weights.
  const Mlp again = train_classifier(small_config(), task, false);
  for (const auto& [name, t] : core::parameters_of(*run.model)) {
    EXPECT_TRUE(t.equal(again->named_parameters()[name])) << name;
  }
}

TEST(ClassifierRunTest, LoadingRejectsMissingCorruptAndMismatchedRuns) {
  testing::TempDir tmp;
  train_classifier_run(small_config(), small_task(), tmp / "run", 1, false);
  EXPECT_NE(testing::error_of([&] { load_classifier_run(tmp / "nope"); }).find("nope: not a directory"),
            std::string::npos);
  fs::create_directories(tmp / "empty");
  EXPECT_NE(testing::error_of([&] { load_classifier_run(tmp / "empty"); }).find("not a netprobe run directory"),
            std::string::npos);

  fs::copy(tmp / "run", tmp / "mismatch");
  core::Json meta = core::read_json(tmp / "mismatch" / "meta.json");
  meta["config"]["hidden"] = {32};
  core::write_json(tmp / "mismatch" / "meta.json", meta);
  EXPECT_NE(testing::error_of([&] { load_classifier_run(tmp / "mismatch"); }).find("architecture mismatch"),
            std::string::npos);

  fs::copy(tmp / "run", tmp / "huge");
  meta = core::read_json(tmp / "huge" / "meta.json");
  meta["architecture"]["input_size"] = int64_t{1000000000000};  // 6.4e13 parameters: refused before allocating
  core::write_json(tmp / "huge" / "meta.json", meta);
  const std::string huge = testing::error_of([&] { load_classifier_run(tmp / "huge"); });
  EXPECT_NE(huge.find("meta.json: invalid architecture"), std::string::npos) << huge;
  EXPECT_NE(huge.find("GB of memory"), std::string::npos) << huge;

  fs::copy(tmp / "run", tmp / "corrupt");
  core::write_file_atomic(tmp / "corrupt" / "weights.pt", "garbage");
  EXPECT_NE(testing::error_of([&] {
              load_classifier_run(tmp / "corrupt");
            }).find("weights.pt: not a valid netprobe checkpoint"),
            std::string::npos);

  fs::copy(tmp / "run", tmp / "noweights");
  fs::remove(tmp / "noweights" / "weights.pt");
  EXPECT_NE(testing::error_of([&] { load_classifier_run(tmp / "noweights"); }).find("weights.pt: no such file"),
            std::string::npos);

  fs::copy(tmp / "run", tmp / "badconfig");
  meta = core::read_json(tmp / "badconfig" / "meta.json");
  meta["config"].erase("epochs");
  core::write_json(tmp / "badconfig" / "meta.json", meta);
  EXPECT_NE(testing::error_of([&] { load_classifier_run(tmp / "badconfig"); }).find("invalid run config"),
            std::string::npos);
}

TEST(ClassifierRunTest, DivergingRunLeavesNoDirectory) {
  testing::TempDir tmp;
  ClassifierRunConfig config = small_config();
  config.lr = 1e30;
  config.optimizer = train::OptimizerKind::kSgd;
  const std::string msg = testing::error_of([&] { train_classifier_run(config, small_task(), tmp / "run", 1, false); });
  EXPECT_NE(msg.find("loss became"), std::string::npos) << msg;
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(ClassifierRunTest, RefusesAUsersFolderBeforeTrainingAndKeepsIt) {
  testing::TempDir tmp;
  fs::create_directories(tmp / "notes");
  core::write_file_atomic(tmp / "notes" / "notes.txt", "mine");
  EXPECT_THROW(train_classifier_run(small_config(), small_task(), tmp / "notes", 1, false), core::UsageError);
  EXPECT_EQ(core::read_file(tmp / "notes" / "notes.txt"), "mine");
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator{}), 1);
}

// Every epoch record of a run directory but its time.
std::vector<core::Json> epochs_of(const fs::path& dir) {
  std::vector<core::Json> records;
  std::istringstream lines(core::read_file(dir / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    core::Json r = core::Json::parse(line);
    r.erase("seconds");
    records.push_back(r);
  }
  return records;
}

TEST(ClassifierRunTest, ModelsTrainedTogetherWriteWhatEachWritesAlone) {
  testing::TempDir tmp;
  const data::Task task = small_task();
  std::vector<ClassifierRunConfig> configs(3, small_config());
  std::vector<fs::path> dirs;
  for (size_t i = 0; i < configs.size(); ++i) {
    configs[i].seed = 10 + i;
    dirs.push_back(tmp / "together" / std::to_string(i));
  }
  const std::vector<core::Json> metas = train_classifier_runs(configs, task, dirs, 1, false);
  ASSERT_EQ(metas.size(), 3u);
  for (size_t i = 0; i < configs.size(); ++i) {
    const fs::path alone = tmp / "alone" / std::to_string(i);
    const core::Json meta = train_classifier_run(configs[i], task, alone, 1, false);
    EXPECT_EQ(metas[i]["final"], meta["final"]) << i;
    EXPECT_EQ(metas[i]["config"], meta["config"]) << i;
    const auto a = core::load_tensors(alone / "weights.pt"), b = core::load_tensors(dirs[i] / "weights.pt");
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].first, b[k].first);
      EXPECT_TRUE(torch::equal(a[k].second, b[k].second)) << i << " " << a[k].first;
    }
    EXPECT_EQ(epochs_of(alone), epochs_of(dirs[i])) << i;
    EXPECT_EQ(epochs_of(alone).size(), 3u);
  }
  // Seeds differ, so the models do.
  EXPECT_FALSE(torch::equal(core::load_tensors(dirs[0] / "weights.pt")[0].second,
                            core::load_tensors(dirs[1] / "weights.pt")[0].second));
}

TEST(ClassifierRunTest, ModelsTrainedTogetherMayDifferOnlyInTheirSeeds) {
  testing::TempDir tmp;
  std::vector<ClassifierRunConfig> configs(2, small_config());
  configs[1].seed = 9;
  configs[1].lr = 0.02;
  const std::string msg = testing::error_of([&] {
    train_classifier_runs(configs, small_task(), {tmp / "a", tmp / "b"}, 1, false);
  });
  EXPECT_NE(msg.find("differ only in their seeds"), std::string::npos) << msg;
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(ClassifierRunTest, HashDependsOnConfigAndThreads) {
  const ClassifierRunConfig a = small_config();
  ClassifierRunConfig b = a;
  b.seed = 5;
  EXPECT_EQ(a.hash(1), small_config().hash(1));
  EXPECT_NE(a.hash(1), b.hash(1));
  EXPECT_NE(a.hash(1), a.hash(2));
  EXPECT_EQ(a.hash(1).size(), 16u);
}

}  // namespace
}  // namespace netprobe::experiments
