#include "train/trainer.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "train/classification.h"

namespace netprobe::train {
namespace {

// A linearly separable two-class problem in 10 dimensions.
struct Problem {
  torch::Tensor x, y;
};
Problem make_problem(int64_t n) {
  torch::manual_seed(5);
  const auto x = torch::randn({n, 10});
  const auto w = torch::randn({10});
  return {x, x.matmul(w).gt(0).to(torch::kLong)};
}

struct Result {
  std::vector<core::Json> history;
  torch::Tensor weight;
};

Result run(const Problem& p, int epochs, double lr, uint64_t seed, OptimizerKind kind = OptimizerKind::kAdam) {
  torch::manual_seed(seed);
  torch::nn::Linear layer(10, 2);
  Optimizer opt({{layer->parameters(), 1.0}}, {kind, lr});
  TensorDataSource source(p.x, p.y, 32, seed);
  const ForwardFn forward = [&](const torch::Tensor& x) { return torch::log_softmax(layer->forward(x), 1); };
  TrainConfig config;
  config.epochs = epochs;
  config.progress = false;
  auto history = fit(opt, source, classification_step(forward), config, [&](int) {
    return core::Json{{"test_acc", evaluate_classifier(forward, p.x, p.y).accuracy}};
  });
  return {history, layer->weight.detach().clone()};
}

TEST(TrainerTest, LearnsASeparableProblemAndRecordsEveryEpoch) {
  const Problem p = make_problem(512);
  const Result r = run(p, 8, 0.05, 1);
  ASSERT_EQ(r.history.size(), 8u);
  for (int e = 0; e < 8; ++e) {
    EXPECT_EQ(r.history[static_cast<size_t>(e)]["epoch"], e + 1);
    EXPECT_DOUBLE_EQ(r.history[static_cast<size_t>(e)]["lr"].get<double>(), lr_at(LrScheduleKind::kCosine, 0.05, e, 8));
  }
  EXPECT_LT(r.history.back()["loss"].get<double>(), r.history.front()["loss"].get<double>());
  EXPECT_GT(r.history.back()["test_acc"].get<double>(), 95.0);
  EXPECT_GT(r.history.back()["train_acc"].get<double>(), 90.0);
}

TEST(TrainerTest, SameSeedIsBitIdenticalAndOtherSeedIsNot) {
  const Problem p = make_problem(300);
  const Result a = run(p, 3, 0.05, 9), b = run(p, 3, 0.05, 9), c = run(p, 3, 0.05, 10);
  EXPECT_TRUE(a.weight.equal(b.weight));
  for (size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(a.history[e]["loss"].get<double>(), b.history[e]["loss"].get<double>());
  }
  EXPECT_FALSE(a.weight.equal(c.weight));
}

TEST(TrainerTest, NonFiniteLossNamesEpochAndStep) {
  const Problem p = make_problem(64);
  torch::nn::Linear layer(10, 1);
  Optimizer opt({{layer->parameters(), 1.0}}, {OptimizerKind::kSgd, 1.0});
  TensorDataSource source(p.x, p.y, 16, 0);
  int calls = 0;
  // The loss is finite for the first 5 steps, then infinite: epoch 2, step 2 with 4 steps/epoch.
  const StepFn step = [&](const Batch& b) {
    StepOutput out;
    out.loss = layer->forward(b.inputs).mean() * 0 + (++calls > 5 ? INFINITY : 1.0);
    return out;
  };
  TrainConfig config;
  config.epochs = 3;
  config.progress = false;
  config.label = "toy";
  try {
    fit(opt, source, step, config);
    FAIL() << "no error";
  } catch (const core::Error& e) {
    EXPECT_STREQ(e.what(), "toy: loss became inf at epoch 2 step 2 (try a smaller --lr)");
  }
}

TEST(TrainerTest, CallbacksSeeEachRecordAndZeroEpochsIsAUsageError) {
  const Problem p = make_problem(64);
  torch::nn::Linear layer(10, 2);
  Optimizer opt({{layer->parameters(), 1.0}}, {OptimizerKind::kAdam, 0.01});
  TensorDataSource source(p.x, p.y, 0, 0);
  const ForwardFn forward = [&](const torch::Tensor& x) { return torch::log_softmax(layer->forward(x), 1); };
  std::vector<int> seen;
  TrainConfig config;
  config.epochs = 4;
  config.progress = false;
  fit(opt, source, classification_step(forward), config, nullptr,
      {[&](const core::Json& r) { seen.push_back(r["epoch"].get<int>()); }});
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4}));
  config.epochs = 0;
  EXPECT_THROW(fit(opt, source, classification_step(forward), config), core::UsageError);
}

TEST(ClassificationTest, EvaluationCountsCorrectPredictionsAcrossChunks) {
  const auto scores = torch::tensor({{0.0f, 1.0f}, {2.0f, 0.0f}, {0.0f, 3.0f}, {1.0f, 0.0f}, {0.0f, 1.0f}});
  const auto targets = torch::tensor({1, 0, 0, 0, 0}, torch::kLong);
  const ForwardFn identity = [](const torch::Tensor& x) { return torch::log_softmax(x, 1); };
  const auto m = evaluate_classifier(identity, scores, targets, /*chunk=*/2);
  EXPECT_EQ(m.examples, 5);
  EXPECT_DOUBLE_EQ(m.accuracy, 60.0);
  EXPECT_NEAR(m.loss, torch::nll_loss(torch::log_softmax(scores, 1), targets).item<double>(), 1e-6);
  EXPECT_DOUBLE_EQ(accuracy_percent(scores, targets), 60.0);
}

}  // namespace
}  // namespace netprobe::train
