#include "src/experiments/rnn_memory.h"

#include <cmath>

#include <fmt/format.h>

#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/core/run_dir.h"

namespace netprobe::experiments {
namespace {

using core::Json;

double masked_residual(const torch::Tensor& now, const torch::Tensor& before, const torch::Tensor& mask) {
  return ((now - before).abs() * mask).max().item<double>() / (before.abs() * mask).max().item<double>();
}

torch::Tensor sigma_at_epoch(const std::vector<models::OverlapRecord>& trajectory, int epoch) {
  for (const auto& r : trajectory) {
    if (r.epoch == epoch) return r.sigma;
  }
  throw core::Error(fmt::format("no overlaps recorded at epoch {}", epoch));
}

void write_memory(const MemoryConfig& config, const MemoryResult& result) {
  core::StagedDirectory staged(config.out, core::kind::kRnnMemory);
  std::string csv =
      "eta,epochs_a,epochs_b,epochs_a2,loss_a,loss_a_after_b,loss_b,loss_a2,invisible_residual,"
      "visible_residual,invisible_moved_by_b\n";
  for (size_t i = 0; i < result.runs.size(); ++i) {
    const auto& r = result.runs[i];
    csv +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", r.eta, r.epochs_a, r.epochs_b, r.epochs_a2, r.loss_a,
                    r.loss_a_after_b, r.loss_b, r.loss_a2, r.invisible_residual, r.visible_residual, r.invisible_moved);
    core::write_file_atomic(staged.staging() / fmt::format("trajectory_eta{}.csv", i),
                            overlaps_csv(r.trajectory, config.a.rank));
  }
  core::write_file_atomic(staged.staging() / "memory.csv", csv);
  core::write_json(staged.staging() / "result.json", result.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnMemory,
                   {{"task_a", config.a.to_json()},
                    {"task_b", config.b.to_json()},
                    {"epochs", {config.epochs_a, config.epochs_b, config.epochs_a2}},
                    {"etas", config.etas}});
  staged.commit();
}

}  // namespace

void MemoryConfig::validate() const {
  a.validate();
  b.validate();
  if (!a.same_network(b)) {
    throw core::UsageError("memory: tasks A and B must use the same network options");
  }
  for (int e : {epochs_a, epochs_b, epochs_a2}) {
    if (e < 1) throw core::UsageError(fmt::format("--epochs-a/-b/-a2: must be >= 1, got {}", e));
  }
  if (etas.empty()) throw core::UsageError("--etas: need at least one learning rate");
  for (double eta : etas) {
    if (!(eta > 0)) throw core::UsageError(fmt::format("--etas: must be > 0, got {}", eta));
  }
}

Json MemoryResult::to_json() const {
  Json out = Json::array();
  for (const auto& r : runs) {
    out.push_back({{"eta", r.eta},
                   {"epochs", {r.epochs_a, r.epochs_b, r.epochs_a2}},
                   {"loss_a", r.loss_a},
                   {"loss_a_after_b", r.loss_a_after_b},
                   {"loss_b", r.loss_b},
                   {"loss_a2", r.loss_a2},
                   {"invisible_residual", r.invisible_residual},
                   {"visible_residual", r.visible_residual},
                   {"invisible_moved_by_b", r.invisible_moved},
                   {"trajectory", records_to_json(r.trajectory)}});
  }
  return {{"runs", out}};
}

MemoryResult MemoryResult::from_json(const Json& json, const std::string& source) {
  try {
    MemoryResult result;
    for (const auto& j : json.at("runs")) {
      MemoryRun r;
      r.eta = j.at("eta").get<double>();
      const auto epochs = j.at("epochs").get<std::vector<int>>();
      if (epochs.size() != 3) throw core::Error("epochs must list three phases");
      r.epochs_a = epochs[0];
      r.epochs_b = epochs[1];
      r.epochs_a2 = epochs[2];
      r.loss_a = core::number_or_nan(j.at("loss_a"));
      r.loss_a_after_b = core::number_or_nan(j.at("loss_a_after_b"));
      r.loss_b = core::number_or_nan(j.at("loss_b"));
      r.loss_a2 = core::number_or_nan(j.at("loss_a2"));
      r.invisible_residual = core::number_or_nan(j.at("invisible_residual"));
      r.visible_residual = core::number_or_nan(j.at("visible_residual"));
      r.invisible_moved = core::number_or_nan(j.at("invisible_moved_by_b"));
      r.trajectory = records_from_json(j.at("trajectory"));
      r.sigma_a = sigma_at_epoch(r.trajectory, r.epochs_a);
      r.sigma_b = sigma_at_epoch(r.trajectory, r.epochs_a + r.epochs_b);
      r.sigma_a2 = sigma_at_epoch(r.trajectory, r.epochs_a + r.epochs_b + r.epochs_a2);
      result.runs.push_back(std::move(r));
    }
    return result;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid memory result ({})", source, e.what()));
  }
}

MemoryResult run_memory(const MemoryConfig& config, bool progress) {
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnMemory);
  const torch::Tensor invisible = 1 - models::visible_mask(config.a.rank, config.a.activation);
  const models::RnnTaskData task_a = config.a.task_data(), task_b = config.b.task_data();
  MemoryResult result;
  for (double eta : config.etas) {
    MemoryRun run;
    run.eta = eta;
    // The same learning time eta * epochs at every eta, so only the step size differs.
    const double scale = config.etas.front() / eta;
    auto scaled = [&](int epochs) { return static_cast<int>(std::lround(epochs * scale)); };
    run.epochs_a = scaled(config.epochs_a);
    run.epochs_b = scaled(config.epochs_b);
    run.epochs_a2 = scaled(config.epochs_a2);

    models::LowRankRnn rnn = init_rnn(config.a);
    int offset = 0;
    auto phase = [&](const RnnRunConfig& base, const models::RnnTaskData& task, int epochs) {
      RnnRunConfig c = base;
      c.eta = eta;
      c.optimizer = config.a.optimizer;
      c.epochs = epochs;
      c.track_every = std::max(1, scaled(config.a.track_every));
      auto records = train_rnn_on(rnn, task, c, progress);
      for (size_t k = offset == 0 ? 0 : 1; k < records.size(); ++k) {
        records[k].epoch += offset;
        run.trajectory.push_back(records[k]);
      }
      offset += epochs;
      torch::NoGradGuard no_grad;
      return models::rnn_loss(rnn->forward(task.inputs), task).item<double>();
    };
    run.loss_a = phase(config.a, task_a, run.epochs_a);
    run.sigma_a = models::overlap_matrix(rnn->vectors().detach());
    run.loss_b = phase(config.b, task_b, run.epochs_b);
    run.sigma_b = models::overlap_matrix(rnn->vectors().detach());
    {
      torch::NoGradGuard no_grad;
      run.loss_a_after_b = models::rnn_loss(rnn->forward(task_a.inputs), task_a).item<double>();
    }
    run.loss_a2 = phase(config.a, task_a, run.epochs_a2);
    run.sigma_a2 = models::overlap_matrix(rnn->vectors().detach());
    run.invisible_residual = masked_residual(run.sigma_a2, run.sigma_a, invisible);
    run.visible_residual = masked_residual(run.sigma_a2, run.sigma_a, 1 - invisible);
    run.invisible_moved = masked_residual(run.sigma_b, run.sigma_a, invisible);
    result.runs.push_back(std::move(run));
  }
  if (!config.out.empty()) write_memory(config, result);
  return result;
}

std::string format_memory(const MemoryConfig& config, const MemoryResult& result) {
  std::string out = fmt::format("memory ({} N={} R={}): {} -> {} -> {}\n", models::to_string(config.a.activation),
                                config.a.n, config.a.rank, config.a.task, config.b.task, config.a.task);
  out += fmt::format("{:>10} {:>12} {:>12} {:>12} {:>19} {:>17} {:>16}\n", "eta", "loss A", "A after B", "loss A again",
                     "invisible residual", "visible residual", "moved by B");
  for (const auto& r : result.runs) {
    out += fmt::format("{:>10.4g} {:>12.3e} {:>12.3e} {:>12.3e} {:>19.3e} {:>17.3e} {:>16.3e}\n", r.eta, r.loss_a,
                       r.loss_a_after_b, r.loss_a2, r.invisible_residual, r.visible_residual, r.invisible_moved);
  }
  for (size_t i = 1; i < result.runs.size(); ++i) {
    out += fmt::format("residual ratio eta={:g} / eta={:g}: {:.2f}\n", result.runs[i - 1].eta, result.runs[i].eta,
                       result.runs[i - 1].invisible_residual / result.runs[i].invisible_residual);
  }
  return out;
}

}  // namespace netprobe::experiments
