#include "probes/sweep.h"

#include <gtest/gtest.h>

#include "core/checkpoint.h"
#include "core/errors.h"
#include "core/seeding.h"
#include "models/mlp_batched.h"
#include "probes/binarize.h"
#include "probes/flip.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/shuffle.h"
#include "tests/support/probe_targets.h"
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

TEST(SweepTest, RowsCoverTheGridWithBaselineFirstAndAreReproducible) {
  Fixture f;
  const core::NamedTensors base = core::parameters_of(*f.net);
  models::MlpBatchEvaluator eval(f.options, f.x, f.y);
  const BatchEvaluator evaluate = [&](const std::vector<core::NamedTensors>& v) {
    std::vector<Evaluation> out;
    for (const auto& m : eval.evaluate(v)) out.push_back({m.accuracy, m.loss});
    return out;
  };
  const std::vector<SweepSpec> specs = {
      SweepSpec(prune_probe(), "magnitude").levels({0.0, 0.5, 0.9}),                 // 3 levels x 1 draw x 2 modes
      SweepSpec(noise_probe(), "uniform").levels({0.01, 0.1}).full_only().draws(3),  // 2 levels x 3 draws
      SweepSpec(shuffle_probe(), "B").draws(2)};                                     // 2 draws x 2 modes
  EXPECT_EQ(count_evaluations(specs), 1 + 6 + 6 + 4);
  const auto rows = run_sweeps(testing::target_of(base), specs, evaluate, {"toy", 11, 4});
  ASSERT_EQ(rows.size(), 17u);
  EXPECT_TRUE(rows[0].probe.is_intact());
  EXPECT_DOUBLE_EQ(rows[0].value, f.one_at_a_time(base).accuracy);
  const auto again = run_sweeps(testing::target_of(base), specs, evaluate, {"toy", 11, 4});
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].to_json(), again[i].to_json()) << i;
  // Another chunking stacks other matrices together; BLAS may then round differently, and a
  // near-tie of two logits can flip one of the 50 predictions.
  const auto rechunked = run_sweeps(testing::target_of(base), specs, evaluate, {"toy", 11, 16});
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NEAR(rows[i].loss, rechunked[i].loss, 1e-4 * std::max(1.0, rows[i].loss)) << i;
    EXPECT_NEAR(rows[i].value, rechunked[i].value, 2.0 + 1e-9) << i;
    EXPECT_EQ(rows[i].report.changed, rechunked[i].report.changed) << i;
  }
  const auto other_seed = run_sweeps(testing::target_of(base), specs, evaluate, {"toy", 12, 4});
  EXPECT_NE(rows[10].loss, other_seed[10].loss);  // a noise row depends on the seed

  // Magnitude pruning at p = 0 changes nothing; its signed row is the binarized network.
  const auto& p0_signed = rows[1];
  EXPECT_EQ(p0_signed.mode, Mode::kSigned);
  EXPECT_EQ(p0_signed.report.zeros, 0);
  const auto& p0_full = rows[2];
  EXPECT_EQ(p0_full.report.changed, 0);
  EXPECT_DOUBLE_EQ(p0_full.value, rows[0].value);
  // p = 0.9 keeps floor(0.1 n) per tensor: 8 of 84, 0 of 7, 3 of 35, 0 of 5, 1 of 15, 0 of 3.
  EXPECT_EQ(rows[5].report.zeros, (84 - 8) + 7 + (35 - 3) + 5 + (15 - 1) + 3);
}

TEST(SweepTest, InvalidSpecsFailBeforeAnyWork) {
  Fixture f;
  int calls = 0;
  const BatchEvaluator evaluate = [&](const std::vector<core::NamedTensors>& v) {
    ++calls;
    return std::vector<Evaluation>(v.size());
  };
  const auto base = core::parameters_of(*f.net);
  EXPECT_THROW(
      run_sweeps(testing::target_of(base), {SweepSpec(prune_probe(), "magnitude").levels({1.5})}, evaluate, {}),
      core::UsageError);
  EXPECT_THROW(run_sweeps(testing::target_of(base), {SweepSpec(noise_probe(), "uniform").draws(0)}, evaluate, {}),
               core::UsageError);
  EXPECT_THROW(SweepSpec(prune_probe(), "nope"), core::UsageError);
  EXPECT_EQ(calls, 0);
}

TEST(SweepTest, RowsRoundTripThroughJsonAndCsvHasOneLinePerRow) {
  SweepRow r{"mnist-7v9", 3, flip_probe(),      "smallest", Mode::kSigned, Scope::all(),
             0.25,        1, Metric::kAccuracy, 91.5,       0.3,           {100, 25, 0}};
  EXPECT_EQ(SweepRow::from_json(r.to_json()).to_json(), r.to_json());
  EXPECT_EQ(r.to_json().at("accuracy"), 91.5);
  // The JSON text is the array's dump(2), byte for byte, also for none and one row.
  for (const std::vector<SweepRow>& some : {std::vector<SweepRow>{}, {r}, {r, r, r}}) {
    core::Json array = core::Json::array();
    for (const auto& row : some) array.push_back(row.to_json());
    EXPECT_EQ(rows_to_json_text(some), array.dump(2)) << some.size();
  }
  const std::string csv = rows_to_csv({r, r});
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  EXPECT_NE(csv.find("mnist-7v9,3,flip,smallest,signed,all,0.25,1,91.5,0.3,25,100,0"), std::string::npos) << csv;
  EXPECT_EQ(csv.rfind("task,seed,probe,variant,mode,scope,level,draw,accuracy,loss,", 0), 0u) << csv;
}

// A row names its metric: an RNN's variance explained is its own column and JSON key, never
// "accuracy", and reads back as what it is.
TEST(SweepTest, RowsCarryTheirMetricName) {
  SweepRow r{
      "filter", 0,    prune_probe(), "magnitude", Mode::kFull, Scope::parse("U+V"), 0.5, 0, Metric::kVarianceExplained,
      97.25,    0.01, {10, 5, 5}};
  const core::Json j = r.to_json();
  EXPECT_FALSE(j.contains("accuracy"));
  EXPECT_EQ(j.at("variance_explained"), 97.25);
  const SweepRow back = SweepRow::from_json(j);
  EXPECT_EQ(back.metric, Metric::kVarianceExplained);
  EXPECT_EQ(back.scope, Scope::parse("U+V"));
  EXPECT_EQ(back.probe, ProbeId(prune_probe()));
  EXPECT_EQ(rows_to_csv({r}).rfind("task,seed,probe,variant,mode,scope,level,draw,variance_explained,loss,", 0), 0u);
  SweepRow accuracy_row = r;
  accuracy_row.metric = Metric::kAccuracy;
  EXPECT_THROW(rows_to_csv({r, accuracy_row}), core::Error);  // one table, one metric
  // The loss as the metric says so (its key is the loss column's); a row without its metric is not read.
  SweepRow loss_row = r;
  loss_row.metric = Metric::kLoss;
  loss_row.value = loss_row.loss = 0.25;
  EXPECT_EQ(SweepRow::from_json(loss_row.to_json()).metric, Metric::kLoss);
  EXPECT_EQ(rows_to_csv({loss_row}).rfind("task,seed,probe,variant,mode,scope,level,draw,loss,changed,", 0), 0u);
  core::Json no_metric = accuracy_row.to_json();
  no_metric.erase("accuracy");
  EXPECT_THROW(SweepRow::from_json(no_metric), core::Error);
}

}  // namespace
}  // namespace netprobe::probes
