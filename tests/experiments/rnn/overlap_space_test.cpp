// `rnn train --space overlap`: the reduced model as the trainer. It must follow full-N GD to
// round-off for linear phi (rank 1 and 2), within the closure error measured at that N for tanh
// and erf_s, write a run directory the report reads, and refuse what it cannot do.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/json_io.h"
#include "experiments/rnn/run.h"
#include "experiments/rnn/theory.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

RnnRunConfig small(const std::string& task, models::RnnActivation activation, int64_t rank) {
  RnnRunConfig c;
  c.task = task;
  c.rank = rank;
  c.activation = activation;
  c.n = 120;
  c.dt = 0.1;
  c.steps = 150;
  c.eta = 0.01;
  c.epochs = 40;
  c.track_every = 10;
  c.seed = 3;
  if (task == "flipflop") {
    c.dt = 0.05;
    c.steps = 300;
    c.trials = 3;
  }
  c.validate();
  return c;
}

// Largest |overlap difference| over the largest |overlap| of each record, and of the loss.
std::pair<double, double> largest_gaps(const std::vector<models::OverlapRecord>& a,
                                       const std::vector<models::OverlapRecord>& b) {
  EXPECT_EQ(a.size(), b.size());
  double sigma = 0, loss = 0;
  for (size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
    EXPECT_EQ(a[k].epoch, b[k].epoch);
    sigma = std::max(sigma, ((a[k].sigma - b[k].sigma).abs().max() / b[k].sigma.abs().max()).item<double>());
    loss = std::max(loss, std::abs(a[k].loss - b[k].loss) / std::abs(b[k].loss));
  }
  return {sigma, loss};
}

TEST(RnnOverlapSpace, LinearTrainingInOverlapsIsFullNGradientDescentToRoundOff) {
  for (auto [task, rank] : {std::pair{"filter", 1}, {"oscillation", 2}}) {
    const RnnRunConfig c = small(task, models::RnnActivation::kLinear, rank);
    models::LowRankRnn rnn = init_rnn(c);
    const auto network = train_rnn_on(rnn, c.task_data(), c, false);
    const auto overlaps = train_in_overlap_space(c, models::Integrator::kMap);
    const auto [sigma_gap, loss_gap] = largest_gaps(overlaps, network);
    EXPECT_LT(sigma_gap, 1e-10) << task;
    EXPECT_LT(loss_gap, 1e-10) << task;
    EXPECT_LT(overlaps.back().loss, 0.9 * overlaps.front().loss) << task;  // it learned
  }
}

TEST(RnnOverlapSpace, NonlinearTrainingInOverlapsStaysWithinTheClosureErrorAtThatN) {
  for (auto activation : {models::RnnActivation::kTanh, models::RnnActivation::kErfS}) {
    const RnnRunConfig c = small("flipflop", activation, 1);
    const TheoryComparison closure = compare_with_theory(c, models::Integrator::kMap, false);
    models::LowRankRnn rnn = init_rnn(c);
    const auto network = train_rnn_on(rnn, c.task_data(), c, false);
    const auto overlaps = train_in_overlap_space(c, models::Integrator::kMap);
    const double gap = largest_gaps(overlaps, network).first;
    EXPECT_GT(gap, 1e-8) << "the closure is not exact at finite N";
    EXPECT_LE(gap, closure.max_overlap_error * (1 + 1e-9)) << models::to_string(activation);
    EXPECT_LT(gap, 0.05) << models::to_string(activation);
  }
}

TEST(RnnOverlapSpace, TheRunDirectoryHasOverlapsNoWeightsAndRefusesWhatNeedsANetwork) {
  testing::TempDir tmp;
  RnnTrainConfig train{small("filter", models::RnnActivation::kLinear, 1), tmp / "run", TrainingSpace::kOverlap,
                       models::Integrator::kRk4};
  const RnnTrainResult r = run_rnn_train(train, {});
  EXPECT_FALSE(std::filesystem::exists(tmp / "run" / "weights.pt"));
  const core::Json meta = core::read_json(tmp / "run" / "meta.json");
  EXPECT_EQ(meta.at("space"), "overlap");
  EXPECT_EQ(meta.at("integrator"), "rk4");
  const RnnTrainResult back = load_rnn_train_result(tmp / "run");
  ASSERT_EQ(back.records.size(), r.records.size());
  EXPECT_NEAR(back.records.back().loss, r.records.back().loss, 1e-12 * r.records.back().loss);
  EXPECT_NE(format_rnn_train(r, tmp / "run").find("in overlap space (rk4)"), std::string::npos);
  const std::string refused = testing::error_of([&] { load_rnn_run(tmp / "run"); });
  EXPECT_NE(refused.find("trained in overlap space"), std::string::npos) << refused;

  // A network run's meta.json has no such fields; Adam has no overlap-space form.
  const RnnTrainResult net = run_rnn_train({train.run, tmp / "net"}, {});
  EXPECT_FALSE(net.meta.contains("space"));
  EXPECT_TRUE(std::filesystem::exists(tmp / "net" / "weights.pt"));
  RnnTrainConfig adam = train;
  adam.run.optimizer = train::OptimizerKind::kAdam;
  adam.out = tmp / "adam";
  EXPECT_THROW(run_rnn_train(adam, {}), core::UsageError);
  EXPECT_FALSE(std::filesystem::exists(tmp / "adam"));
  EXPECT_THROW(parse_training_space("latent"), core::UsageError);
}

}  // namespace
}  // namespace netprobe::experiments
