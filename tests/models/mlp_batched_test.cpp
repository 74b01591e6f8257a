#include "models/mlp_batched.h"

#include <gtest/gtest.h>

#include "core/checkpoint.h"
#include "core/seeding.h"
#include "train/classification.h"

namespace netprobe::models {
namespace {

// `base` with U(-a, a) added to every tensor whose name starts with `prefix` ("" for all): a
// perturbed variant that shares its other tensors with `base`, as a probe's output does.
core::NamedTensors noisy(const core::NamedTensors& base, const std::string& prefix, double a, at::Generator& gen) {
  core::NamedTensors out;
  for (const auto& [name, t] : base) {
    out.emplace_back(name, name.rfind(prefix, 0) == 0 ? t + (torch::rand(t.sizes(), gen) * 2 - 1) * a : t);
  }
  return out;
}

struct Fixture {
  MlpOptions options = MlpOptions(12, 3).hidden({7, 5});
  Mlp net{nullptr};
  torch::Tensor x, y;
  Fixture() {
    torch::manual_seed(8);
    net = Mlp(options);
    x = torch::randn({50, 12});
    y = torch::randint(0, 3, {50}, torch::kLong);
  }
  // Reference: load each variant into a real Mlp and evaluate it alone.
  train::ClassifierMetrics one_at_a_time(const core::NamedTensors& v) const {
    Mlp copy(options);
    core::load_into(*copy, v, "variant");
    return train::evaluate_classifier([&](const torch::Tensor& in) { return copy->forward(in); }, x, y);
  }
};

TEST(MlpBatchEvaluatorTest, MatchesOneAtATimeEvaluationIncludingSharedLayers) {
  Fixture f;
  const core::NamedTensors base = core::parameters_of(*f.net);
  auto gen = core::make_generator(4);
  std::vector<core::NamedTensors> variants = {base};
  for (const char* layer : {"", "fc1", "fc2", "fc3"}) {
    variants.push_back(noisy(base, layer, 0.3, gen));
  }
  MlpBatchEvaluator eval(f.options, f.x, f.y);
  for (size_t take : {size_t{1}, variants.size()}) {
    const std::vector<core::NamedTensors> batch(variants.begin(), variants.begin() + static_cast<long>(take));
    const auto batched = eval.evaluate(batch);
    ASSERT_EQ(batched.size(), take);
    for (size_t i = 0; i < take; ++i) {
      const auto ref = f.one_at_a_time(batch[i]);
      EXPECT_DOUBLE_EQ(batched[i].accuracy, ref.accuracy) << i;
      EXPECT_NEAR(batched[i].loss, ref.loss, 1e-5) << i;
    }
  }
  // Image-like inputs (mostly -1) take the sparse first-layer path; results must not change.
  torch::Tensor images = torch::full({50, 12}, -1.0f);
  images.index_put_({torch::rand({50, 12}).lt(0.2)}, 0.5f);
  MlpBatchEvaluator sparse_eval(f.options, images, f.y);
  const auto sparse_batched = sparse_eval.evaluate(variants);
  for (size_t i = 0; i < variants.size(); ++i) {
    Mlp copy(f.options);
    core::load_into(*copy, variants[i], "variant");
    const auto ref =
        train::evaluate_classifier([&](const torch::Tensor& in) { return copy->forward(in); }, images, f.y);
    EXPECT_NEAR(sparse_batched[i].loss, ref.loss, 1e-5) << i;
    EXPECT_DOUBLE_EQ(sparse_batched[i].accuracy, ref.accuracy) << i;
  }
  // Only-fc3 variants share fc1 and fc2 with every other member of their batch.
  const std::vector<core::NamedTensors> tail = {variants[0], variants[4]};
  const auto shared = eval.evaluate(tail);
  EXPECT_NEAR(shared[1].loss, f.one_at_a_time(variants[4]).loss, 1e-5);
}

TEST(MlpBatchEvaluatorTest, DefaultArchitectureOnImagesTakesTheFusedPathWithSameResults) {
  torch::manual_seed(9);
  const auto options = MlpOptions(30, 2).hidden({64});
  Mlp net(options);
  torch::Tensor images = torch::full({60, 30}, -1.0f);
  images.index_put_({torch::rand({60, 30}).lt(0.25)}, 0.7f);
  const torch::Tensor y = torch::randint(0, 2, {60}, torch::kLong);
  const core::NamedTensors base = core::parameters_of(*net);
  auto gen = core::make_generator(1);
  std::vector<core::NamedTensors> variants = {base};
  for (const char* layer : {"", "fc1", "fc2"}) {
    variants.push_back(noisy(base, layer, 0.2, gen));
  }
  const auto batched = MlpBatchEvaluator(options, images, y).evaluate(variants);
  for (size_t i = 0; i < variants.size(); ++i) {
    Mlp copy(options);
    core::load_into(*copy, variants[i], "variant");
    const auto ref = train::evaluate_classifier([&](const torch::Tensor& in) { return copy->forward(in); }, images, y);
    EXPECT_NEAR(batched[i].loss, ref.loss, 1e-5) << i;
    EXPECT_DOUBLE_EQ(batched[i].accuracy, ref.accuracy) << i;
  }
}

}  // namespace
}  // namespace netprobe::models
