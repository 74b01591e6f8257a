#pragma once
/// The teacher task (issue 28, after the authors): the target is what an effective erf_s RNN, the
/// latent model of LOWRANK.md under the Gaussian closure, outputs for the same input: noise_scale x
/// N(0, 1) on every step plus pulse_scale x the flip-flop's unit pulses (at its timing). All steps
/// are scored (mean squared error).
///
///   RnnTaskData t = teacher_task(0.05, 400, /*trials=*/10, /*seed=*/1, RnnTaskParams{});
#include <cstdint>

#include <torch/torch.h>

#include "models/rnn/tasks.h"

namespace netprobe::models {

/// The teacher's overlaps when TeacherParams::overlaps is empty, rank 1 in the order z, v, m, u:
/// |m|^2 = |u|^2 = 1, sigma_vm = 1 (the input drives u), sigma_vu = 2 (the self-coupling makes
/// erf_s bistable at kappa_u = +-sqrt(6 / pi)), sigma_zu = 1 (the output reads that memory),
/// sigma_zm = 0, |z|^2 = 2, sigma_zv = 2, |v|^2 = 6 (the smallest simple choice that is
/// positive definite). Under the input noise its sign follows the last pulse 67 % of the time (87 %
/// at sigma_vm = 3, but a network of N = 8000 then misses the closure by 13 % near the flips, and
/// 3000 epochs in overlap space did not learn it). netprobe's choice: the authors' teacher
/// overlaps are not part of the task's description.
torch::Tensor default_teacher_overlaps();

/// The teacher's overlap matrix as a [k, k] float64 tensor (params.teacher.overlaps or the default).
/// UsageError naming --teacher-overlaps unless it is a symmetric positive definite (2R+2)^2 matrix.
torch::Tensor teacher_overlaps(const RnnTaskParams& params);

RnnTaskData teacher_task(double dt, int64_t steps, int64_t trials, uint64_t seed, const RnnTaskParams& params);

}  // namespace netprobe::models
