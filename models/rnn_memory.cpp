#include "models/rnn_memory.h"

#include <cmath>

#include <fmt/format.h>

#include "src/core/errors.h"
#include "src/core/seeding.h"

namespace netprobe::models {
namespace {

double masked_residual(const torch::Tensor& now, const torch::Tensor& before, const torch::Tensor& mask) {
  return ((now - before).abs() * mask).max().item<double>() / (before.abs() * mask).max().item<double>();
}

}  // namespace

void MemoryConfig::validate() const {
  a.validate();
  b.validate();
  if (a.n != b.n || a.rank != b.rank || a.activation != b.activation || a.dt != b.dt || a.steps != b.steps) {
    throw core::Error("memory: tasks A and B must use the same network options");
  }
  for (int e : {epochs_a, epochs_b, epochs_a2}) {
    if (e < 1) throw core::UsageError(fmt::format("--epochs-a/-b/-a2: must be >= 1, got {}", e));
  }
  if (etas.empty()) throw core::UsageError("--etas: need at least one learning rate");
  for (double eta : etas) {
    if (!(eta > 0)) throw core::UsageError(fmt::format("--etas: must be > 0, got {}", eta));
  }
}

std::vector<MemoryRun> run_memory(const MemoryConfig& config, bool progress) {
  config.validate();
  const torch::Tensor invisible = 1 - visible_mask(config.a.rank, config.a.activation);
  const RnnTaskData task_a = config.a.task_data(), task_b = config.b.task_data();
  std::vector<MemoryRun> runs;
  for (double eta : config.etas) {
    MemoryRun run;
    run.eta = eta;
    // The same learning time eta * epochs at every eta, so only the step size differs.
    const double scale = config.etas.front() / eta;
    auto scaled = [&](int epochs) { return static_cast<int>(std::lround(epochs * scale)); };
    run.epochs_a = scaled(config.epochs_a);
    run.epochs_b = scaled(config.epochs_b);
    run.epochs_a2 = scaled(config.epochs_a2);

    LowRankRnn rnn(config.a.rnn_options());
    at::Generator gen = core::make_generator(core::derive_seed(config.a.seed, {core::tag_of("rnn-init")}));
    rnn->init_random(gen);
    int offset = 0;
    auto phase = [&](const RnnRunConfig& base, const RnnTaskData& task, int epochs) {
      RnnRunConfig c = base;
      c.eta = eta;
      c.adam = config.a.adam;
      c.epochs = epochs;
      c.track_every = std::max(1, scaled(config.a.track_every));
      auto records = train_rnn_on(rnn, task, c, progress);
      for (size_t k = offset == 0 ? 0 : 1; k < records.size(); ++k) {
        records[k].epoch += offset;
        run.trajectory.push_back(records[k]);
      }
      offset += epochs;
      torch::NoGradGuard no_grad;
      return rnn_loss(rnn->forward(task.inputs), task).item<double>();
    };
    run.loss_a = phase(config.a, task_a, run.epochs_a);
    run.sigma_a = overlap_matrix(rnn->vectors().detach());
    run.loss_b = phase(config.b, task_b, run.epochs_b);
    run.sigma_b = overlap_matrix(rnn->vectors().detach());
    {
      torch::NoGradGuard no_grad;
      run.loss_a_after_b = rnn_loss(rnn->forward(task_a.inputs), task_a).item<double>();
    }
    run.loss_a2 = phase(config.a, task_a, run.epochs_a2);
    run.sigma_a2 = overlap_matrix(rnn->vectors().detach());
    run.invisible_residual = masked_residual(run.sigma_a2, run.sigma_a, invisible);
    run.visible_residual = masked_residual(run.sigma_a2, run.sigma_a, 1 - invisible);
    run.invisible_moved = masked_residual(run.sigma_b, run.sigma_a, invisible);
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace netprobe::models
