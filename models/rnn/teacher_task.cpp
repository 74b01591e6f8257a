#include "models/rnn/teacher_task.h"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "models/rnn/overlap_theory.h"

namespace netprobe::models {

torch::Tensor default_teacher_overlaps() {
  return torch::tensor({2.0, 2.0, 0.0, 1.0,  //
                        2.0, 6.0, 1.0, 2.0,  //
                        0.0, 1.0, 1.0, 0.0,  //
                        1.0, 2.0, 0.0, 1.0},
                       torch::kFloat64)
      .reshape({4, 4});
}

torch::Tensor teacher_overlaps(const RnnTaskParams& params) {
  const auto& numbers = params.teacher.overlaps;
  if (numbers.empty()) return default_teacher_overlaps();
  const auto k = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(numbers.size()))));
  if (k * k != static_cast<int64_t>(numbers.size()) || k < 4 || k % 2 != 0) {
    throw core::UsageError(fmt::format(
        "--teacher-overlaps: need a (2R+2)x(2R+2) matrix (16 numbers for rank 1, 36 for rank 2), got {} numbers",
        numbers.size()));
  }
  const torch::Tensor sigma = torch::tensor(numbers, torch::kFloat64).reshape({k, k});
  if (!torch::allclose(sigma, sigma.t(), 0, 1e-12) ||
      std::get<1>(torch::linalg_cholesky_ex(sigma)).item<int64_t>() != 0) {
    throw core::UsageError("--teacher-overlaps: not a symmetric positive definite matrix (no vectors have it)");
  }
  return sigma;
}

RnnTaskData teacher_task(double dt, int64_t steps, int64_t trials, uint64_t seed, const RnnTaskParams& params) {
  const torch::Tensor sigma = teacher_overlaps(params);
  const TeacherParams& t = params.teacher;
  // The pulses at the flip-flop's timing, signs only (unit amplitude), from their own stream.
  const torch::Tensor pulses =
      flip_flop_task(dt, steps, trials, core::derive_seed(seed, {core::tag_of("teacher-pulses")}), params.flipflop)
          .inputs.sign();
  at::Generator gen =
      core::make_generator(core::derive_seed(seed, {core::tag_of("rnn-task"), core::tag_of("teacher")}));
  const torch::Tensor x = t.noise_scale * torch::randn({trials, steps}, gen, torch::kFloat64) + t.pulse_scale * pulses;
  const RnnDynamics teacher{sigma.size(0) / 2 - 1, RnnActivation::kErfS, dt};
  torch::NoGradGuard no_grad;
  const torch::Tensor y = latent_outputs(sigma, x, teacher);
  return {x, y, torch::full({trials, steps}, 1.0 / static_cast<double>(trials * steps), torch::kFloat64)};
}

}  // namespace netprobe::models
