#include "models/mlp_group_trainer.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "train/classification.h"

namespace netprobe::models {
namespace {

// A learnable `classes`-class problem: n examples of 30 inputs in [-1, 1].
struct Problem {
  torch::Tensor x, y, test_x, test_y;
};
Problem make_problem(int64_t n, int64_t classes) {
  torch::manual_seed(11);
  const auto centers = torch::rand({classes, 30}) * 2 - 1;
  const auto draw = [&](int64_t m, torch::Tensor& x, torch::Tensor& y) {
    y = torch::randint(0, classes, {m}, torch::kLong);
    x = (centers.index_select(0, y) * 0.4 + (torch::rand({m, 30}) * 2 - 1) * 0.6).contiguous();
  };
  Problem p;
  draw(n, p.x, p.y);
  draw(97, p.test_x, p.test_y);
  return p;
}

struct GroupSetup {
  MlpOptions options{30, 3};
  train::OptimizerConfig optimizer;
  train::TrainConfig train;
  int64_t batch = 50;
};

Mlp initial_model(const GroupSetup& setup, uint64_t seed) {
  Mlp model(setup.options);
  at::Generator gen = at::detail::createCPUGenerator(seed);
  model->reset_parameters(gen);
  return model;
}

core::Json test_metrics(Mlp model, const Problem& p) {
  const auto m =
      train::evaluate_classifier([&](const torch::Tensor& x) { return model->forward(x); }, p.test_x, p.test_y);
  return {{"test_loss", m.loss}, {"test_acc", m.accuracy}};
}

// The reference: one model alone through autograd, torch::optim and train::fit.
std::pair<Mlp, std::vector<core::Json>> train_alone(const GroupSetup& setup, const Problem& p, uint64_t seed) {
  Mlp model = initial_model(setup, seed);
  train::Optimizer optimizer({{model->parameters(), 1.0}}, setup.optimizer);
  train::TensorDataSource source(p.x, p.y, setup.batch, seed + 100);
  const train::ForwardFn forward = [&](const torch::Tensor& x) { return model->forward(x); };
  auto history = train::fit(optimizer, source, train::classification_step(forward), setup.train,
                            [&](int) { return test_metrics(model, p); });
  return {model, history};
}

std::pair<std::vector<Mlp>, std::vector<std::vector<core::Json>>> train_together(const GroupSetup& setup,
                                                                                 const Problem& p,
                                                                                 const std::vector<uint64_t>& seeds) {
  std::vector<train::TensorDataSource> sources;
  sources.reserve(seeds.size());
  std::vector<MlpGroupMember> members;
  for (uint64_t seed : seeds) {
    sources.emplace_back(p.x, p.y, setup.batch, seed + 100);
    MlpGroupMember m;
    m.model = initial_model(setup, seed);
    m.source = &sources.back();
    m.evaluate = [model = m.model, &p](int) { return test_metrics(model, p); };
    members.push_back(m);
  }
  auto histories = fit_mlp_group(members, setup.optimizer, setup.train);
  std::vector<Mlp> models;
  for (auto& m : members) models.push_back(m.model);
  return {models, histories};
}

// Every parameter equal bit for bit, and every epoch record but its time.
void expect_same_as_alone(const GroupSetup& setup, const Problem& p, const std::vector<uint64_t>& seeds) {
  const auto [together, histories] = train_together(setup, p, seeds);
  for (size_t i = 0; i < seeds.size(); ++i) {
    const auto [alone, history] = train_alone(setup, p, seeds[i]);
    const auto a = alone->parameters(), b = together[i]->parameters();
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_TRUE(torch::equal(a[k], b[k]))
          << "member " << i << " parameter " << k << " differs by " << (a[k] - b[k]).abs().max().item<double>();
    }
    ASSERT_EQ(history.size(), histories[i].size());
    for (size_t e = 0; e < history.size(); ++e) {
      core::Json x = history[e], y = histories[i][e];
      x.erase("seconds");
      y.erase("seconds");
      EXPECT_EQ(x, y) << "member " << i << " epoch " << e + 1;
    }
  }
}

TEST(MlpGroupTrainerTest, AdamReluMembersEqualTrainingEachAlone) {
  GroupSetup setup;
  setup.options.hidden({16});
  setup.optimizer = {train::OptimizerKind::kAdam, 0.01};
  setup.train.epochs = 3;
  setup.train.progress = false;
  // 230 examples in batches of 50: the last batch of every epoch has 30 (a mean over 30).
  expect_same_as_alone(setup, make_problem(230, 3), {1, 2, 3});
}

TEST(MlpGroupTrainerTest, ATinyLastBatchEqualsAlone) {
  // 203 examples in batches of 50: the last batch has 3, so its output-layer products
  // (3 x 64 x 2 < 400) are ones bmm would compute with its own loops instead of BLAS.
  GroupSetup setup;
  setup.options = MlpOptions(30, 2).hidden({64});
  setup.optimizer = {train::OptimizerKind::kAdam, 0.01};
  setup.train.epochs = 3;
  setup.train.progress = false;
  expect_same_as_alone(setup, make_problem(203, 2), {1, 2, 3});
}

TEST(MlpGroupTrainerTest, SgdTanhWithoutBiasTwoHiddenLayersEqualsAlone) {
  GroupSetup setup;
  setup.options.hidden({12, 7}).activation(Activation::kTanh).bias(false);
  setup.optimizer = {train::OptimizerKind::kSgd, 0.05, 0.9};
  setup.train.epochs = 2;
  setup.train.schedule = train::LrScheduleKind::kConstant;
  setup.train.progress = false;
  setup.batch = 40;
  expect_same_as_alone(setup, make_problem(200, 3), {5, 6});
}

TEST(MlpGroupTrainerTest, SigmoidFullBatchSingleMemberEqualsAlone) {
  GroupSetup setup;
  setup.options = MlpOptions(30, 2).hidden({9}).activation(Activation::kSigmoid);
  setup.optimizer = {train::OptimizerKind::kAdam, 0.03};
  setup.train.epochs = 4;
  setup.train.progress = false;
  setup.batch = 0;
  expect_same_as_alone(setup, make_problem(120, 2), {9});
}

TEST(MlpGroupTrainerTest, MembersLearnAndDiffer) {
  GroupSetup setup;
  setup.options.hidden({16});
  setup.train.epochs = 5;
  setup.train.progress = false;
  const Problem p = make_problem(400, 3);
  const auto [models, histories] = train_together(setup, p, {1, 2});
  EXPECT_GT(histories[0].back()["test_acc"].get<double>(), 85.0);
  EXPECT_GT(histories[1].back()["test_acc"].get<double>(), 85.0);
  EXPECT_FALSE(torch::equal(models[0]->parameters()[0], models[1]->parameters()[0]));
}

TEST(MlpGroupTrainerTest, RejectsMembersOfDifferentShapeOrData) {
  const Problem p = make_problem(100, 3);
  train::TensorDataSource a(p.x, p.y, 50, 1), b(p.x, p.y, 50, 2), other(p.x.clone(), p.y, 50, 3);
  train::TrainConfig config;
  config.progress = false;
  std::vector<MlpGroupMember> members{{Mlp(MlpOptions(30, 3).hidden({8})), &a, nullptr, {}},
                                      {Mlp(MlpOptions(30, 3).hidden({9})), &b, nullptr, {}}};
  EXPECT_THROW(fit_mlp_group(members, {}, config), core::Error);
  members[1].model = Mlp(MlpOptions(30, 3).hidden({8}));
  members[1].source = &other;
  EXPECT_THROW(fit_mlp_group(members, {}, config), core::Error);
}

TEST(MlpGroupTrainerTest, NonFiniteLossNamesMemberEpochAndStep) {
  Problem p = make_problem(100, 3);
  p.x[0][0] = std::numeric_limits<float>::quiet_NaN();
  train::TensorDataSource a(p.x, p.y, 0, 1), b(p.x, p.y, 0, 2);
  train::TrainConfig config;
  config.progress = false;
  config.label = "toy";
  std::vector<MlpGroupMember> members{{Mlp(MlpOptions(30, 3).hidden({8})), &a, nullptr, {}},
                                      {Mlp(MlpOptions(30, 3).hidden({8})), &b, nullptr, {}}};
  try {
    fit_mlp_group(members, {}, config);
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("toy: member 1: loss became nan at epoch 1 step 1"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace netprobe::models
