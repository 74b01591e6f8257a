#include "models/rnn_twins.h"

#include <cmath>

#include <fmt/format.h>

#include "src/core/errors.h"
#include "src/core/seeding.h"

namespace netprobe::models {
namespace {

// Unit vector of the column space of `basis` (N x k), random coefficients.
torch::Tensor random_direction_in(const torch::Tensor& basis, at::Generator& gen) {
  const torch::Tensor q = basis.matmul(torch::randn({basis.size(1)}, gen, basis.options()));
  return q / q.norm();
}

double max_gap(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& mask) {
  return ((a - b).abs() * mask).max().item<double>() / a.abs().max().item<double>();
}

}  // namespace

torch::Tensor make_twin(const torch::Tensor& c, int64_t rank, RnnActivation activation, double stretch,
                        at::Generator& gen) {
  if (!(stretch > 0) || stretch == 1.0) {
    throw core::UsageError(fmt::format("--stretch: must be > 0 and != 1, got {}", stretch));
  }
  const int64_t k = rank + 1;
  const torch::Tensor a = c.narrow(1, 0, k), b = c.narrow(1, k, k);
  torch::Tensor q;
  if (activation == RnnActivation::kLinear) {
    q = random_direction_in(c, gen);
  } else {
    const torch::Tensor qb = std::get<0>(torch::linalg_qr(b));  // orthonormal basis of span(B)
    const torch::Tensor a_perp = a - qb.matmul(qb.t().matmul(a));
    q = random_direction_in(a_perp, gen);
  }
  // P x = x + (s - 1) q (q.x), P^-T x = x + (1/s - 1) q (q.x), without forming N x N matrices.
  const torch::Tensor pa = a + (stretch - 1) * q.unsqueeze(1) * q.matmul(a).unsqueeze(0);
  const torch::Tensor pb = b + (1 / stretch - 1) * q.unsqueeze(1) * q.matmul(b).unsqueeze(0);
  return torch::cat({pa, pb}, 1);
}

void TwinsConfig::validate() const {
  first.validate();
  second.validate();
  if (first.n != second.n || first.rank != second.rank || first.activation != second.activation ||
      first.dt != second.dt || first.steps != second.steps) {
    throw core::Error("twins: both tasks must use the same network options");
  }
  if (pretrain_epochs < 0) throw core::UsageError(fmt::format("--pretrain-epochs: must be >= 0, got {}", pretrain_epochs));
  if (second.adam) throw core::UsageError("--optimizer: twins compare against the overlap theory, which follows GD");
}

TwinsResult run_twins(const TwinsConfig& config, bool progress) {
  config.validate();
  LowRankRnn original(config.first.rnn_options());
  at::Generator gen = core::make_generator(core::derive_seed(config.first.seed, {core::tag_of("rnn-init")}));
  original->init_random(gen);
  if (config.pretrain_epochs > 0) {
    RnnRunConfig pre = config.first;
    pre.epochs = config.pretrain_epochs;
    train_rnn_on(original, pre.task_data(), pre, progress);
  }
  at::Generator twin_gen = core::make_generator(core::derive_seed(config.first.seed, {core::tag_of("rnn-twin")}));
  LowRankRnn twin(config.first.rnn_options());
  twin->set_vectors(make_twin(original->vectors().detach(), config.first.rank, config.first.activation,
                              config.stretch, twin_gen));

  const RnnTaskData task = config.second.task_data();
  TwinsResult out;
  const torch::Tensor s0 = overlap_matrix(original->vectors().detach()), s1 = overlap_matrix(twin->vectors().detach());
  const torch::Tensor visible = visible_mask(config.first.rank, config.first.activation);
  out.visible_change = max_gap(s0, s1, visible);
  out.invisible_change = max_gap(s0, s1, 1 - visible);
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor y0 = original->forward(task.inputs), y1 = twin->forward(task.inputs);
    out.output_gap = ((y0 - y1).abs().max() / y0.abs().max()).item<double>();
    const auto latent = [&](const torch::Tensor& s) {
      return latent_outputs(s, task.inputs, config.first.rank, config.first.activation, config.first.dt);
    };
    const torch::Tensor l0 = latent(s0), l1 = latent(s1);
    out.output_gap_theory = ((l0 - l1).abs().max() / l0.abs().max()).item<double>();
  }

  RnnRunConfig learn = config.second;
  learn.track_every = 1;
  out.original_theory = theory_trajectory(s0, task, learn);
  out.twin_theory = theory_trajectory(s1, task, learn);
  out.original = train_rnn_on(original, task, learn, progress);
  out.twin = train_rnn_on(twin, task, learn, progress);
  for (size_t k = 0; k < out.original.size(); ++k) {
    const double a = out.original[k].loss, b = out.twin[k].loss;
    out.max_curve_gap = max_keep_nan(out.max_curve_gap, std::abs(a - b) / std::max(a, b));
    for (const auto& [sim, theory] :
         {std::pair{&out.original, &out.original_theory}, std::pair{&out.twin, &out.twin_theory}}) {
      const double l = (*sim)[k].loss;
      out.theory_error = max_keep_nan(out.theory_error, std::abs((*theory)[k].loss - l) / std::abs(l));
    }
  }
  out.final_loss = out.original.back().loss;
  out.final_loss_twin = out.twin.back().loss;
  return out;
}

}  // namespace netprobe::models
