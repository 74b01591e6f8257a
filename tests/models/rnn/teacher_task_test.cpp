// The teacher task: its input is noise plus flip-flop pulses at the stated scales, its target is
// the large-N limit of a real erf_s network with the teacher's overlaps, and bad overlaps are refused.
#include "models/rnn/teacher_task.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "models/rnn/overlap_theory.h"

namespace netprobe::models {
namespace {

constexpr double kTeacherDt = 0.05;  // the teacher task's default setting: 20 time units
constexpr int64_t kTeacherSteps = 400, kTrials = 8;

TEST(TeacherTask, InputIsScaledNoisePlusScaledFlipFlopPulses) {
  const RnnTaskData t = teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, RnnTaskParams{});
  EXPECT_NEAR(t.inputs.narrow(1, 0, 10).std().item<double>(), 1.5, 0.25);  // noise alone before the first pulse
  // Noise only (pulse scale 0) and pulses only (noise scale 0) add up to the default input.
  RnnTaskParams noise_only, pulses_only;
  noise_only.teacher.pulse_scale = 0;
  pulses_only.teacher.noise_scale = 0;
  const torch::Tensor noise = teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, noise_only).inputs;
  const torch::Tensor pulses = teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, pulses_only).inputs;
  EXPECT_TRUE(torch::allclose(noise + pulses, t.inputs, 0, 1e-12));
  EXPECT_NEAR(noise.std().item<double>(), 1.5, 0.03);
  // The pulses sit at the flip-flop's timing (the first at 0.5 time units, 10 steps long), at +-2.
  EXPECT_TRUE(torch::isin(pulses, torch::tensor({-2.0, 0.0, 2.0}, torch::kFloat64)).all().item<bool>());
  EXPECT_EQ(pulses.narrow(1, 0, 10).abs().max().item<double>(), 0.0);
  EXPECT_EQ(pulses.narrow(1, 10, 10).abs().min().item<double>(), 2.0);
  // Every step is scored, mean squared error.
  EXPECT_NEAR(t.weights.sum().item<double>(), 1.0, 1e-12);
  EXPECT_EQ(t.weights.min().item<double>(), t.weights.max().item<double>());
}

TEST(TeacherTask, TargetIsTheLargeNLimitOfAnErfNetworkWithTheTeacherOverlaps) {
  const RnnTaskData t = teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, RnnTaskParams{});
  // The default teacher holds a memory: its output is not small and takes both signs.
  EXPECT_GT(t.targets.abs().mean().item<double>(), 0.2);
  EXPECT_LT(t.targets.min().item<double>(), -0.3);
  EXPECT_GT(t.targets.max().item<double>(), 0.3);
  // A real N-neuron erf_s network with those overlaps computes it, up to the closure's finite-N error.
  const int64_t n = 8000;
  LowRankRnn rnn(LowRankRnnOptions(n, 1).activation(RnnActivation::kErfS).dt(kTeacherDt).steps(kTeacherSteps));
  at::Generator gen = core::make_generator(11);
  rnn->init_from_overlaps(default_teacher_overlaps(), gen);
  torch::NoGradGuard no_grad;
  const torch::Tensor y = rnn->forward(t.inputs);
  const double error = (y - t.targets).abs().max().item<double>() / t.targets.abs().max().item<double>();
  EXPECT_LT(error, 0.05) << "closure error of the teacher at N = " << n;
  // The option's overlaps are used: a teacher that reads nothing (z orthogonal to m and u) outputs 0.
  RnnTaskParams silent;
  silent.teacher.overlaps = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  EXPECT_EQ(teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, silent).targets.abs().max().item<double>(), 0.0);
}

TEST(TeacherTask, RefusesOverlapsNoVectorsHave) {
  RnnTaskParams p;
  p.teacher.overlaps = {1, 2, 3};
  EXPECT_THROW(teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, p), core::UsageError);
  p.teacher.overlaps = {1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 0, 2, 0, 0, 1};  // |sigma_zu| > 1 with unit norms
  EXPECT_THROW(teacher_task(kTeacherDt, kTeacherSteps, kTrials, 4, p), core::UsageError);
}

}  // namespace
}  // namespace netprobe::models
