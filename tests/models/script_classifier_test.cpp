// TorchScript models: the MLP export computes what the MLP computes; the evaluator's workers
// agree with one another and never touch the caller's module; bad models and data fail clearly.
#include "models/script_classifier.h"

#include <gtest/gtest.h>

#include "core/checkpoint.h"
#include "core/errors.h"
#include "models/mlp_script.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::models {
namespace {

TEST(MlpScriptTest, ExportHasTheSameNamesAndForward) {
  for (const Activation activation : {Activation::kRelu, Activation::kTanh, Activation::kSigmoid}) {
    torch::manual_seed(3);
    Mlp mlp(MlpOptions(12, 3).hidden({7, 5}).activation(activation));
    torch::jit::Module script = script_mlp(*mlp);
    const ScriptClassifier model(script, "mlp.pt");
    const core::NamedTensors expected = core::parameters_of(*mlp), got = model.parameters();
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first, expected[i].first);
      EXPECT_TRUE(got[i].second.equal(expected[i].second));
    }
    const torch::Tensor x = torch::randn({9, 12});
    torch::NoGradGuard no_grad;
    testing::expect_close(script.forward({x}).toTensor(), mlp->forward(x));
    testing::expect_close(script.forward({x.view({9, 3, 4})}).toTensor(), mlp->forward(x));  // flattens images
  }
}

TEST(ScriptClassifierTest, LayersOfAConvNetAndParallelWorkersAgree) {
  const ScriptClassifier model(testing::tiny_cnn(2, 1), "cnn.pt");
  const core::NamedTensors params = model.parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].first, "conv.weight");
  EXPECT_EQ(params[0].second.sizes(), (std::vector<int64_t>{3, 1, 3, 3}));
  EXPECT_EQ(params[3].first, "fc.bias");

  const auto [x, y] = testing::tiny_images(50, 2);
  std::vector<core::NamedTensors> variants;
  for (int v = 0; v < 7; ++v) {
    core::NamedTensors p = params;
    p[2].second = p[2].second * (1.0 - 0.1 * v) + 0.05 * v;  // a different classifier each time
    variants.push_back(p);
  }
  const ScriptBatchEvaluator serial(model, x, y, {.batch = 16, .loss = ScriptLoss::kCrossEntropy, .workers = 1}, "x");
  const ScriptBatchEvaluator parallel(model, x, y, {.batch = 16, .loss = ScriptLoss::kCrossEntropy, .workers = 3}, "x");
  const auto a = serial.evaluate(variants), b = parallel.evaluate(variants);
  ASSERT_EQ(a.size(), variants.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].accuracy, b[i].accuracy) << i;
    EXPECT_EQ(a[i].loss, b[i].loss) << i;
    EXPECT_EQ(a[i].examples, 50);
  }
  // The first variant is the intact model: its numbers are those of a plain forward.
  torch::NoGradGuard no_grad;
  torch::jit::Module plain = model.module().clone();
  const torch::Tensor logits = plain.forward({x}).toTensor();
  variants.front() = params;
  const auto intact = serial.evaluate({params}).front();
  EXPECT_DOUBLE_EQ(intact.accuracy, 100.0 * logits.argmax(1).eq(y).sum().item<double>() / 50);
  EXPECT_NEAR(intact.loss, torch::nn::functional::cross_entropy(logits, y).item<double>(), 1e-5);
  // Evaluating variants never changes the model the caller holds.
  const core::NamedTensors after = model.parameters();
  for (size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(after[i].second.equal(params[i].second));
  // Without a named loss the loss column is NaN.
  const ScriptBatchEvaluator no_loss(model, x, y, {}, "x");
  EXPECT_TRUE(std::isnan(no_loss.evaluate({params}).front().loss));
}

// Whole-network runs on the frozen optimised graph give the model's own numbers for every variant,
// with several workers freezing their variants at once.
TEST(ScriptClassifierTest, TheFrozenGraphGivesTheModelsOwnNumbers) {
  int frozen_models = 0;
  for (const auto& module : {testing::tiny_cnn(3, 4), testing::residual_cnn(3, 4)}) {
    const ScriptClassifier model(module, "cnn.pt");
    const auto [x, y] = testing::tiny_images(40, 3);
    ScriptEvalOptions plain_options{
        .batch = 16, .loss = ScriptLoss::kCrossEntropy, .workers = 2, .reuse_prefix = false};
    plain_options.frozen_graph = FrozenGraph::kNever;
    ScriptEvalOptions frozen_options = plain_options;
    frozen_options.frozen_graph = FrozenGraph::kWhenIdentical;
    const ScriptBatchEvaluator plain(model, x, y, plain_options, "x"), frozen(model, x, y, frozen_options, "x");
    EXPECT_FALSE(plain.uses_frozen_graph());
    EXPECT_EQ(plain.frozen_graph_note(), "");
    ASSERT_NE(frozen.frozen_graph_note(), "");
    EXPECT_EQ(frozen.uses_frozen_graph(), frozen.frozen_graph_note().rfind("bit-identical", 0) == 0)
        << frozen.frozen_graph_note();
    frozen_models += frozen.uses_frozen_graph() ? 1 : 0;
    torch::manual_seed(2);
    std::vector<core::NamedTensors> variants;
    for (int v = 0; v < 6; ++v) {
      core::NamedTensors p = plain.intact();
      for (auto& [name, t] : p) t = t + 0.3 * t.std(false).item<double>() * torch::randn_like(t);
      variants.push_back(p);
    }
    const auto a = plain.evaluate(variants), b = frozen.evaluate(variants);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].accuracy, b[i].accuracy) << model.source() << " variant " << i;
      EXPECT_EQ(a[i].loss, b[i].loss) << model.source() << " variant " << i;
    }
  }
  EXPECT_GE(frozen_models, 1);  // the frozen path was exercised
}

TEST(ScriptClassifierTest, ModelsThatCannotRunOnTheDataFailNamingBothSides) {
  const ScriptClassifier model(testing::tiny_cnn(2, 1), "cnn.pt");
  const std::string shape = testing::error_of([&] {
    ScriptBatchEvaluator(model, torch::zeros({10, 36}), torch::zeros({10}, torch::kLong), {}, "flat.pt");
  });
  EXPECT_NE(shape.find("cnn.pt: forward fails on x of shape [10, 36] from flat.pt"), std::string::npos) << shape;
  EXPECT_EQ(shape.find('\n'), std::string::npos) << shape;
  const auto [x, y] = testing::tiny_images(10, 2);
  const std::string labels = testing::error_of([&] { ScriptBatchEvaluator(model, x, y + 4, {}, "labels.pt"); });
  EXPECT_NE(labels.find("labels.pt: labels go up to 5 but cnn.pt outputs 2 classes"), std::string::npos) << labels;
  EXPECT_THROW(parse_script_loss("mse"), core::UsageError);
}

TEST(ScriptClassifierTest, FilesThatAreNotTorchScriptAreRefused) {
  testing::TempDir tmp;
  testing::write_bytes(tmp / "model.pt", {'n', 'o', 't'});
  const std::string message = testing::error_of([&] { ScriptClassifier::load(tmp / "model.pt"); });
  EXPECT_NE(message.find((tmp / "model.pt").string() + ": not a TorchScript model"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(testing::error_of([&] { ScriptClassifier::load(tmp / "none.pt"); }).find("no such model file"),
            std::string::npos);
  testing::tiny_cnn(2, 1).save((tmp / "cnn.pt").string());
  EXPECT_EQ(ScriptClassifier::load(tmp / "cnn.pt").parameters().size(), 4u);
}

}  // namespace
}  // namespace netprobe::models
