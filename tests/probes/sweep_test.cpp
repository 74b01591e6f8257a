#include "probes/sweep.h"

#include <gtest/gtest.h>

#include "models/mlp_batched.h"
#include "probes/catalog.h"
#include "core/checkpoint.h"
#include "core/errors.h"
#include "core/seeding.h"
#include "tests/support/test_support.h"

namespace netprobe::probes {
namespace {

struct Fixture {
  models::MlpOptions options = models::MlpOptions(12, 3).hidden({7, 5});
  models::Mlp net{nullptr};
  torch::Tensor x, y;
  Fixture() {
    torch::manual_seed(8);
    net = models::Mlp(options);
    x = torch::randn({50, 12});
    y = torch::randint(0, 3, {50}, torch::kLong);
  }
  // Reference: load each variant into a real Mlp and evaluate it alone.
  train::ClassifierMetrics one_at_a_time(const core::NamedTensors& v) const {
    models::Mlp copy(options);
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
    variants.push_back(apply_probe(make_probe("noise", "uniform"), base, Scope{layer}, 0.3, gen).tensors);
  }
  models::MlpBatchEvaluator eval(f.options, f.x, f.y);
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
  models::MlpBatchEvaluator sparse_eval(f.options, images, f.y);
  const auto sparse_batched = sparse_eval.evaluate(variants);
  for (size_t i = 0; i < variants.size(); ++i) {
    models::Mlp copy(f.options);
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
  const auto options = models::MlpOptions(30, 2).hidden({64});
  models::Mlp net(options);
  torch::Tensor images = torch::full({60, 30}, -1.0f);
  images.index_put_({torch::rand({60, 30}).lt(0.25)}, 0.7f);
  const torch::Tensor y = torch::randint(0, 2, {60}, torch::kLong);
  const core::NamedTensors base = core::parameters_of(*net);
  auto gen = core::make_generator(1);
  std::vector<core::NamedTensors> variants = {base};
  for (const char* layer : {"", "fc1", "fc2"}) {
    variants.push_back(apply_probe(make_probe("noise", "uniform"), base, Scope{layer}, 0.2, gen).tensors);
  }
  const auto batched = models::MlpBatchEvaluator(options, images, y).evaluate(variants);
  for (size_t i = 0; i < variants.size(); ++i) {
    models::Mlp copy(options);
    core::load_into(*copy, variants[i], "variant");
    const auto ref = train::evaluate_classifier([&](const torch::Tensor& in) { return copy->forward(in); }, images, y);
    EXPECT_NEAR(batched[i].loss, ref.loss, 1e-5) << i;
    EXPECT_DOUBLE_EQ(batched[i].accuracy, ref.accuracy) << i;
  }
}

TEST(SweepTest, RowsCoverTheGridWithBaselineFirstAndAreReproducible) {
  Fixture f;
  const core::NamedTensors base = core::parameters_of(*f.net);
  models::MlpBatchEvaluator eval(f.options, f.x, f.y);
  const BatchEvaluator evaluate = [&](const std::vector<core::NamedTensors>& v) { return eval.evaluate(v); };
  const std::vector<SweepSpec> specs = {
      {"prune", "magnitude", {0.0, 0.5, 0.9}},            // deterministic: 3 levels x 1 draw x 2 modes
      {"noise", "uniform", {0.01, 0.1}, true, false, 3},  // 2 levels x 3 draws, full only
      {"shuffle", "B", {0.0}, true, true, 2}};            // 2 draws x 2 modes
  EXPECT_EQ(count_evaluations(specs), 1 + 6 + 6 + 4);
  const auto rows = run_sweeps(base, specs, evaluate, {"toy", 11, 4});
  ASSERT_EQ(rows.size(), 17u);
  EXPECT_EQ(rows[0].probe, "none");
  EXPECT_DOUBLE_EQ(rows[0].accuracy, f.one_at_a_time(base).accuracy);
  const auto again = run_sweeps(base, specs, evaluate, {"toy", 11, 4});
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].to_json(), again[i].to_json()) << i;
  // Another chunking stacks other matrices together; BLAS may then round differently, and a
  // near-tie of two logits can flip one of the 50 predictions.
  const auto rechunked = run_sweeps(base, specs, evaluate, {"toy", 11, 16});
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NEAR(rows[i].loss, rechunked[i].loss, 1e-4 * std::max(1.0, rows[i].loss)) << i;
    EXPECT_NEAR(rows[i].accuracy, rechunked[i].accuracy, 2.0 + 1e-9) << i;
    EXPECT_EQ(rows[i].report.changed, rechunked[i].report.changed) << i;
  }
  const auto other_seed = run_sweeps(base, specs, evaluate, {"toy", 12, 4});
  EXPECT_NE(rows[10].loss, other_seed[10].loss);  // a noise row depends on the seed

  // Magnitude pruning at p = 0 changes nothing; its signed row is the binarized network.
  const auto& p0_signed = rows[1];
  EXPECT_EQ(p0_signed.mode, "signed");
  EXPECT_EQ(p0_signed.report.zeros, 0);
  const auto& p0_full = rows[2];
  EXPECT_EQ(p0_full.report.changed, 0);
  EXPECT_DOUBLE_EQ(p0_full.accuracy, rows[0].accuracy);
  // p = 0.9 keeps floor(0.1 n) per tensor: 8 of 84, 0 of 7, 3 of 35, 0 of 5, 1 of 15, 0 of 3.
  EXPECT_EQ(rows[5].report.zeros, (84 - 8) + 7 + (35 - 3) + 5 + (15 - 1) + 3);
}

TEST(SweepTest, InvalidSpecsFailBeforeAnyWork) {
  Fixture f;
  int calls = 0;
  const BatchEvaluator evaluate = [&](const std::vector<core::NamedTensors>& v) {
    ++calls;
    return std::vector<train::ClassifierMetrics>(v.size());
  };
  const auto base = core::parameters_of(*f.net);
  EXPECT_THROW(run_sweeps(base, {{"prune", "magnitude", {1.5}}}, evaluate, {}), core::UsageError);
  EXPECT_THROW(run_sweeps(base, {{"prune", "nope", {0.5}}}, evaluate, {}), core::UsageError);
  EXPECT_EQ(calls, 0);
}

TEST(SweepTest, RowsRoundTripThroughJsonAndCsvHasOneLinePerRow) {
  SweepRow r{"mnist-7v9", 3, "flip", "smallest", "signed", "all", 0.25, 1, 91.5, 0.3, {100, 25, 0}};
  EXPECT_EQ(SweepRow::from_json(r.to_json()).to_json(), r.to_json());
  // The JSON text is the array's dump(2), byte for byte, also for none and one row.
  for (const std::vector<SweepRow>& some : {std::vector<SweepRow>{}, {r}, {r, r, r}}) {
    core::Json array = core::Json::array();
    for (const auto& row : some) array.push_back(row.to_json());
    EXPECT_EQ(rows_to_json_text(some), array.dump(2)) << some.size();
  }
  const std::string csv = rows_to_csv({r, r});
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  EXPECT_NE(csv.find("mnist-7v9,3,flip,smallest,signed,all,0.25,1,91.5,0.3,25,100,0"), std::string::npos) << csv;
}

}  // namespace
}  // namespace netprobe::probes
