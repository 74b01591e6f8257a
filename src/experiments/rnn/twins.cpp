#include "experiments/rnn/twins.h"

#include <cmath>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/seeding.h"
#include "models/rnn/twins.h"

namespace netprobe::experiments {
namespace {

using core::Json;
using models::max_keep_nan;

double max_gap(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& mask) {
  return ((a - b).abs() * mask).max().item<double>() / a.abs().max().item<double>();
}

void write_twins(const TwinsConfig& config, const TwinsResult& r) {
  core::StagedDirectory staged(config.out, core::kind::kRnnTwins);
  std::string csv = "epoch,loss,loss_twin,theory,theory_twin\n";
  for (size_t k = 0; k < r.original.size(); ++k) {
    csv += fmt::format("{},{},{},{},{}\n", r.original[k].epoch, r.original[k].loss, r.twin[k].loss,
                       r.original_theory[k].loss, r.twin_theory[k].loss);
  }
  const int64_t rank = config.first.rank;
  core::write_file_atomic(staged.staging() / "twins.csv", csv);
  core::write_file_atomic(staged.staging() / "overlaps_original.csv", overlaps_csv(r.original, rank));
  core::write_file_atomic(staged.staging() / "overlaps_twin.csv", overlaps_csv(r.twin, rank));
  core::write_json(staged.staging() / "result.json", r.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnTwins,
                   {{"task_a", config.first.to_json()},
                    {"task_b", config.second.to_json()},
                    {"pretrain_epochs", config.pretrain_epochs},
                    {"construction", models::to_string(config.construction_used())},
                    {"stretch", config.stretch},
                    {"mu_shift", config.mu_shift},
                    {"mu_target", config.mu_target ? core::Json(*config.mu_target) : core::Json(nullptr)},
                    {"u_norm", config.u_norm ? core::Json(*config.u_norm) : core::Json(nullptr)}});
  staged.commit();
}

}  // namespace

void TwinsConfig::validate() const {
  first.validate();
  second.validate();
  if (!first.same_network(second)) {
    throw core::UsageError("twins: both tasks must use the same network options");
  }
  if (pretrain_epochs < 0)
    throw core::UsageError(fmt::format("--pretrain-epochs: must be >= 0, got {}", pretrain_epochs));
  if (!second.is_gd())
    throw core::UsageError("--optimizer: twins compare against the overlap theory, which follows GD");
  const bool authors = construction_used() == models::TwinConstruction::kAuthors;
  const bool unchanged = stretch == 1.0 && (!authors || (!u_norm && !mu_target && mu_shift == 0.0));
  if (!(stretch > 0) || unchanged) {
    throw core::UsageError(fmt::format("--stretch: must be > 0 and != 1{}, got {}",
                                       authors ? " (or sigma_mu changed, for the authors' twin)" : "", stretch));
  }
  if (!std::isfinite(mu_shift)) throw core::UsageError(fmt::format("--mu-shift: must be finite, got {}", mu_shift));
}

models::TwinConstruction TwinsConfig::construction_used() const {
  if (construction) return *construction;
  return first.activation == models::RnnActivation::kLinear ? models::TwinConstruction::kAuthors
                                                            : models::TwinConstruction::kStretch;
}

torch::Tensor make_twin_of(const TwinsConfig& config, const torch::Tensor& c, at::Generator& gen) {
  if (config.construction_used() == models::TwinConstruction::kAuthors) {
    return models::make_authors_twin(c, config.first.rank,
                                     {config.stretch, config.mu_shift, config.u_norm, config.mu_target});
  }
  return models::make_twin(c, config.first.rank, config.first.activation, config.stretch, gen);
}

Json TwinsResult::to_json() const {
  return {{"output_gap_before", output_gap},
          {"equivalent", equivalent()},
          {"output_gap_before_theory", output_gap_theory},
          {"visible_change", visible_change},
          {"invisible_change", invisible_change},
          {"max_loss_curve_gap", max_curve_gap},
          {"final_loss", final_loss},
          {"final_loss_twin", final_loss_twin},
          {"max_theory_loss_error", theory_error},
          {"original", original},
          {"twin", twin},
          {"original_theory", original_theory},
          {"twin_theory", twin_theory}};
}

TwinsResult TwinsResult::from_json(const Json& json, const std::string& source) {
  try {
    TwinsResult r;
    using core::read_field;
    read_field(json, "output_gap_before", r.output_gap);
    read_field(json, "output_gap_before_theory", r.output_gap_theory);
    read_field(json, "visible_change", r.visible_change);
    read_field(json, "invisible_change", r.invisible_change);
    read_field(json, "max_loss_curve_gap", r.max_curve_gap);
    read_field(json, "final_loss", r.final_loss);
    read_field(json, "final_loss_twin", r.final_loss_twin);
    read_field(json, "max_theory_loss_error", r.theory_error);
    read_field(json, "original", r.original);
    read_field(json, "twin", r.twin);
    read_field(json, "original_theory", r.original_theory);
    read_field(json, "twin_theory", r.twin_theory);
    return r;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid twins result ({})", source, e.what()));
  }
}

TwinsResult run_rnn_twins(const TwinsConfig& config, const core::RunContext& context) {
  const bool progress = context.progress;
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnTwins);
  models::LowRankRnn original = init_rnn(config.first);
  if (config.pretrain_epochs > 0) {
    RnnRunConfig pre = config.first;
    pre.epochs = config.pretrain_epochs;
    train_rnn_on(original, pre.task_data(), pre, progress);
  }
  at::Generator twin_gen = core::make_generator(core::derive_seed(config.first.seed, {core::tag_of("rnn-twin")}));
  models::LowRankRnn twin(config.first.rnn_options());
  twin->set_vectors(make_twin_of(config, original->vectors().detach(), twin_gen));

  const models::RnnTaskData task = config.second.task_data();
  TwinsResult out;
  const torch::Tensor s0 = models::overlap_matrix(original->vectors().detach());
  const torch::Tensor s1 = models::overlap_matrix(twin->vectors().detach());
  const torch::Tensor visible = models::visible_mask(config.first.rank, config.first.activation);
  out.visible_change = max_gap(s0, s1, visible);
  out.invisible_change = max_gap(s0, s1, 1 - visible);
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor y0 = original->forward(task.inputs), y1 = twin->forward(task.inputs);
    out.output_gap = ((y0 - y1).abs().max() / y0.abs().max()).item<double>();
    const auto latent = [&](const torch::Tensor& s) {
      return models::latent_outputs(s, task.inputs, config.first.dynamics());
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
  if (!config.out.empty()) write_twins(config, out);
  return out;
}

std::string format_twins(const TwinsConfig& config, const TwinsResult& r) {
  return fmt::format(
             "twins ({} N={} R={}, {} twin): invisible overlaps differ by {:.3g} (visible {:.1e}); "
             "outputs before learning differ by {:.2e}\n  learning {}: loss curves differ by up to {:.1f}%, final "
             "{:.4g} vs {:.4g}; "
             "theory matches simulation to {:.2e}\n",
             models::to_string(config.first.activation), config.first.n, config.first.rank,
             models::to_string(config.construction_used()), r.invisible_change, r.visible_change, r.output_gap,
             config.second.task, 100 * r.max_curve_gap, r.final_loss, r.final_loss_twin, r.theory_error) +
         (r.equivalent() ? ""
                         : fmt::format("  WARNING: not functionally equivalent twins: their outputs differ by {:.2e} > "
                                       "{:g} before learning, so part of the curves' gap is a different start\n",
                                       r.output_gap, kTwinEquivalenceTolerance));
}

}  // namespace netprobe::experiments
