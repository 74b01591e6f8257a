// The RNN tasks: what each target and mask must be, seeded reproducibility, bad input.
#include "models/rnn/tasks.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace netprobe::models {
namespace {

constexpr double kTaskDt = 0.05;

TEST(RnnTasks, FilterLossIsDtTimesSumOfSquares) {
  const RnnTaskData t = filter_task(0.2, kTaskDt, 400);
  EXPECT_DOUBLE_EQ(t.inputs[0][0].item<double>(), 1 / kTaskDt);
  EXPECT_EQ(t.inputs.sum().item<double>(), 1 / kTaskDt);
  // The authors' grid linspace(0, T dt, T): y_1 at t = 0, y_T at T dt = 20.
  EXPECT_EQ(t.targets[0][0].item<double>(), 1.0);
  EXPECT_NEAR(t.targets[0][399].item<double>(), std::exp(-0.2 * 20.0), 1e-15);
  EXPECT_NEAR(t.targets[0][133].item<double>(), std::exp(-0.2 * 133 * 20.0 / 399), 1e-15);
  const torch::Tensor y = torch::zeros_like(t.targets);
  EXPECT_NEAR(rnn_loss(y, t).item<double>(), kTaskDt * t.targets.pow(2).sum().item<double>(), 1e-14);
}

TEST(RnnTasks, FilterTasksFollowAReadoutBeforeTheUpdate) {
  for (const std::string name : {"filter", "oscillation"}) {
    const RnnTaskData after = make_rnn_task(name, 0.2, kTaskDt, 400, 1, 0, /*readout_lag=*/1);
    const RnnTaskData before = make_rnn_task(name, 0.2, kTaskDt, 400, 1, 0, /*readout_lag=*/0);
    EXPECT_TRUE(torch::equal(after.inputs, before.inputs)) << name;
    // Output k + 1 of the network reading before the update sees the state output k reads after it.
    EXPECT_TRUE(torch::equal(before.targets.narrow(1, 1, 399), after.targets.narrow(1, 0, 399))) << name;
    EXPECT_TRUE(torch::equal(before.weights.narrow(1, 1, 399), after.weights.narrow(1, 0, 399))) << name;
    EXPECT_EQ(before.weights[0][0].item<double>(), 0.0) << name;  // h_0 = 0 is not scored
    EXPECT_EQ(before.targets[0][1].item<double>(), 1.0) << name;
  }
  // The random tasks are the authors' nonlinear ones, defined for the readout before the update.
  EXPECT_TRUE(torch::equal(make_rnn_task("flipflop", 0, 0.025, 600, 2, 5, 0).targets,
                           make_rnn_task("flipflop", 0, 0.025, 600, 2, 5, 1).targets));
}

TEST(RnnTasks, FlipFlopIsTheAuthors) {
  constexpr double dt = 0.025;
  constexpr int64_t steps = 800, trials = 64;  // the authors' 20 time units
  const RnnTaskData t = flip_flop_task(dt, steps, trials, 3);
  constexpr int64_t first = 20, pulse = 20, unscored = 20 + 80, gap_min = 160, gap_max = 400;  // 0.5, 0.5, 2.5, 4, 10
  EXPECT_NEAR(t.weights.sum().item<double>(), 1.0, 1e-12);
  int64_t later_pulses = 0;
  for (int64_t b = 0; b < trials; ++b) {
    const auto x = t.inputs[b], y = t.targets[b], w = t.weights[b];
    // The first pulse begins at 0.5 time units in every trial; nothing before it is scored.
    EXPECT_EQ(x.narrow(0, 0, first).abs().sum().item<double>(), 0) << b;
    EXPECT_EQ(std::abs(x[first].item<double>()), 1.0) << b;
    EXPECT_EQ(w.narrow(0, 0, first + unscored).abs().sum().item<double>(), 0) << b;
    // First scored step: 2 time units after the first pulse ends.
    EXPECT_GT(w[first + unscored].item<double>(), 0) << b;
    EXPECT_EQ(std::abs(y[first + unscored].item<double>()), 0.5) << b;
    int64_t quiet_from = first + pulse;
    for (int64_t k = first + pulse; k < steps; ++k) {
      if (x[k].item<double>() != 0 && x[k - 1].item<double>() == 0) {  // a later pulse begins
        ++later_pulses;
        EXPECT_GE(k - quiet_from, gap_min - 1) << b << "," << k;
        EXPECT_LE(k - quiet_from, gap_max + 1) << b << "," << k;
        // The scoring gap opens one step before the onset: k - 2 is scored, k - 1 is not.
        EXPECT_GT(w[k - 2].item<double>(), 0) << b << "," << k;
        EXPECT_EQ(w[k - 1].item<double>(), 0) << b << "," << k;
        EXPECT_EQ(w.narrow(0, k, std::min(unscored, steps - k)).abs().sum().item<double>(), 0) << b << "," << k;
        if (k + unscored < steps) {
          EXPECT_GT(w[k + unscored].item<double>(), 0) << b << "," << k;
        }
        EXPECT_EQ(y[k].item<double>(), 0.5 * x[k].item<double>()) << b << "," << k;
      }
      if (x[k].item<double>() != 0) quiet_from = k + 1;
    }
  }
  EXPECT_GT(later_pulses, trials);  // 19.5 time units after the first pulse hold 1 to 3 more
  // Every scored target is +-0.5, so a silent network scores 0.25 (netprobe-v1: 0.131 on this seed's kind of trial).
  EXPECT_NEAR(rnn_loss(torch::zeros_like(t.targets), t).item<double>(), 0.25, 1e-12);
  // Options: amplitude, target, gap range and the first pulse's time.
  FlipFlopParams p;
  p.amplitude = 2;
  p.target = 1;
  p.first_pulse = 1.0;
  p.gap_min = p.gap_max = 5;
  const RnnTaskData o = flip_flop_task(dt, steps, 2, 3, p);
  EXPECT_EQ(o.inputs[0][39].item<double>(), 0);
  EXPECT_EQ(std::abs(o.inputs[0][40].item<double>()), 2.0);
  EXPECT_EQ(std::abs(o.inputs[0][40 + 20 + 200].item<double>()), 2.0);  // the next onset after exactly 5
  EXPECT_EQ(o.inputs[0][40 + 20 + 199].item<double>(), 0);
  EXPECT_NEAR(rnn_loss(torch::zeros_like(o.targets), o).item<double>(), 1.0, 1e-12);
  EXPECT_THROW(flip_flop_task(dt, 119, trials, 3), core::UsageError);  // < 3 time units: no scored step
  EXPECT_NO_THROW(flip_flop_task(dt, 120, trials, 3));
}

TEST(RnnTasks, FlipFlopNetprobeV1KeepsItsGappedFirstPulse) {
  constexpr double dt = 0.025;
  constexpr int64_t steps = 2000, trials = 16;  // 50 time units
  const FlipFlopParams v1 = RnnTaskParams::netprobe_v1().flipflop;
  const RnnTaskData t = flip_flop_task(dt, steps, trials, 3, v1);
  ASSERT_EQ(t.inputs.sizes(), torch::IntArrayRef({trials, steps}));
  EXPECT_NEAR(t.weights.sum().item<double>(), 1.0, 1e-12);
  constexpr int64_t pulse = 20, unscored = 20 + 80, gap_min = 160, gap_max = 400;  // 0.5, 0.5 + 2, 4, 10 in steps
  int64_t pulses = 0;
  for (int64_t b = 0; b < trials; ++b) {
    const auto x = t.inputs[b], y = t.targets[b], w = t.weights[b];
    double held = 0;
    int64_t onset = -1, quiet_from = 0;
    for (int64_t k = 0; k < steps; ++k) {
      const double xk = x[k].item<double>();
      if (xk != 0 && (k == 0 || x[k - 1].item<double>() == 0)) {  // a pulse begins
        const int64_t gap = k - quiet_from;
        EXPECT_GE(gap, gap_min - 1) << b << "," << k;
        EXPECT_LE(gap, gap_max + 1) << b << "," << k;
        onset = k;
        held = xk > 0 ? 0.5 : -0.5;
        ++pulses;
      }
      if (xk != 0) {
        EXPECT_EQ(std::abs(xk), 1.0);
        EXPECT_LT(k - onset, pulse) << "pulses last 0.5 time units";
        quiet_from = k + 1;
      }
      EXPECT_EQ(y[k].item<double>(), held) << b << "," << k;
      const bool scored = w[k].item<double>() > 0;
      EXPECT_EQ(scored, onset < 0 || k - onset >= unscored) << b << "," << k;
    }
  }
  // 50 time units hold 3 to 10 pulses; on average about 50 / 7.5.
  EXPECT_GE(pulses, 3 * trials);
  EXPECT_LE(pulses, 10 * trials);
  EXPECT_TRUE(flip_flop_task(dt, steps, trials, 3, v1).inputs.equal(t.inputs));
  EXPECT_FALSE(flip_flop_task(dt, steps, trials, 4, v1).inputs.equal(t.inputs));
  EXPECT_THROW(flip_flop_task(dt, 499, trials, 3, v1), core::UsageError);  // < 12.5 time units
  EXPECT_NO_THROW(flip_flop_task(dt, 500, trials, 3, v1));
}

TEST(RnnTasks, DecisionIsTheAuthors) {
  constexpr int64_t steps = 400, trials = 400;  // 20 time units at dt 0.05: fixation 20 steps, stimulus 180, delay 20
  const RnnTaskData t = noisy_decision_task(kTaskDt, steps, trials, 1);
  const torch::Tensor coherence = t.targets.select(1, steps - 1) * 16;
  EXPECT_TRUE(torch::isin(coherence.abs(), torch::tensor({2.0, 4.0, 8.0, 16.0}, torch::kFloat64)).all().item<bool>());
  EXPECT_EQ(std::get<0>(at::_unique(coherence)).numel(), 8);  // +-{2, 4, 8, 16}, all occurring
  // Only the response is scored: the first scored step is 11 time units in.
  EXPECT_TRUE(t.weights.narrow(1, 0, 220).eq(0).all().item<bool>());
  EXPECT_TRUE(t.weights.narrow(1, 220, 180).gt(0).all().item<bool>());
  EXPECT_NEAR(t.weights.sum().item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(t.targets.narrow(1, 220, 180).eq((coherence / 16).unsqueeze(1)).all().item<bool>());
  // The memory experiment's variant: +-{2, 8, 16} with input noise 0.05.
  DecisionParams memory;
  memory.coherences = {2, 8, 16};
  memory.input_noise = 0.05;
  const RnnTaskData m = noisy_decision_task(kTaskDt, steps, trials, 1, memory);
  const torch::Tensor c = m.targets.select(1, steps - 1) * 16;
  EXPECT_EQ(std::get<0>(at::_unique(c)).numel(), 6);
  EXPECT_TRUE(torch::isin(c.abs(), torch::tensor({2.0, 8.0, 16.0}, torch::kFloat64)).all().item<bool>());
  EXPECT_NEAR(m.inputs.narrow(1, 0, 20).std().item<double>(), 0.05, 0.002);
}

TEST(RnnTasks, DecisionNetprobeV1PeriodsCoherencesAndGradedTarget) {
  constexpr int64_t steps = 400, trials = 200;  // 20 time units at dt 0.05: fixation 20 steps, stimulus 180, delay 20
  const RnnTaskData t = noisy_decision_task(kTaskDt, steps, trials, 1, RnnTaskParams::netprobe_v1().decision);
  const torch::Tensor target = t.targets.select(1, steps - 1);
  const torch::Tensor coherence = target * 16;
  EXPECT_TRUE(
      torch::isin(coherence.abs(), torch::tensor({1.0, 2.0, 4.0, 8.0, 16.0}, torch::kFloat64)).all().item<bool>());
  EXPECT_GT(coherence.gt(0).sum().item<int64_t>(), 50);  // both signs and
  EXPECT_GT(coherence.lt(0).sum().item<int64_t>(), 50);
  EXPECT_EQ(std::get<0>(at::_unique(coherence)).numel(), 10);  // all ten coherences occur
  // Scored: fixation (target 0) and the response (target c / 16, constant); not stimulus or delay.
  EXPECT_TRUE(t.weights.narrow(1, 0, 20).gt(0).all().item<bool>());
  EXPECT_TRUE(t.weights.narrow(1, 20, 200).eq(0).all().item<bool>());
  EXPECT_TRUE(t.weights.narrow(1, 220, 180).gt(0).all().item<bool>());
  EXPECT_NEAR(t.weights.sum().item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(t.targets.narrow(1, 0, 220).eq(0).all().item<bool>());
  EXPECT_TRUE(t.targets.narrow(1, 220, 180).eq(target.unsqueeze(1)).all().item<bool>());
  // Input: c * 0.032 during the stimulus, plus N(0, 0.03^2) noise on every step.
  const torch::Tensor stimulus = t.inputs.narrow(1, 20, 180);
  const double mean_error = (stimulus.mean(1) - coherence * 0.032).abs().max().item<double>();
  EXPECT_LT(mean_error, 6 * 0.03 / std::sqrt(180.0));
  const torch::Tensor noise = torch::cat({t.inputs.narrow(1, 0, 20), t.inputs.narrow(1, 200, 200)}, 1);
  EXPECT_NEAR(noise.std().item<double>(), 0.03, 0.001);
  EXPECT_NEAR(noise.mean().item<double>(), 0.0, 0.001);
  EXPECT_NEAR((stimulus - (coherence * 0.032).unsqueeze(1)).std().item<double>(), 0.03, 0.001);
  EXPECT_THROW(noisy_decision_task(kTaskDt, 220, trials, 1), core::UsageError);  // no response period
  DecisionParams bad;
  bad.coherences = {};
  EXPECT_THROW(make_rnn_task("decision", 0, kTaskDt, 400, 8, 0, 0, RnnTaskParams{{}, bad, {}}), core::UsageError);
}

TEST(RnnTasks, UnknownTaskAndTooFewTrialsAreUsageErrors) {
  EXPECT_THROW(make_rnn_task("copy", 0.2, kTaskDt, 100, 8, 0), core::UsageError);
  EXPECT_THROW(make_rnn_task("flipflop", 0.2, kTaskDt, 100, 0, 0), core::UsageError);
  EXPECT_THROW(make_rnn_task("decision", 0.2, kTaskDt, 3, 8, 0), core::UsageError);
  EXPECT_EQ(make_rnn_task("decision", 0.2, kTaskDt, 300, 8, 0).inputs.size(0), 8);
}

}  // namespace
}  // namespace netprobe::models
