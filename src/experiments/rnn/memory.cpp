#include "experiments/rnn/memory.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"

namespace netprobe::experiments {
namespace {

using core::Json;

double masked_residual(const torch::Tensor& now, const torch::Tensor& before, const torch::Tensor& mask) {
  return ((now - before).abs() * mask).max().item<double>() / (before.abs() * mask).max().item<double>();
}

// max |dSigma| per unit of learning time (eta x epochs) between the last two records, over `mask`.
double end_velocity(const std::vector<models::OverlapRecord>& trajectory, double eta, const torch::Tensor& mask) {
  if (trajectory.size() < 2) return std::nan("");
  const auto& last = trajectory.back();
  const auto& before = trajectory[trajectory.size() - 2];
  return ((last.sigma - before.sigma).abs() * mask).max().item<double>() / (eta * (last.epoch - before.epoch));
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
      "visible_residual,invisible_moved_by_b,end_velocity_a,end_velocity_b,end_velocity_a2,"
      "end_velocity_invisible_a,end_velocity_invisible_b,end_velocity_invisible_a2\n";
  for (size_t i = 0; i < result.runs.size(); ++i) {
    const auto& r = result.runs[i];
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.eta, r.epochs_a, r.epochs_b, r.epochs_a2, r.loss_a,
                       r.loss_a_after_b, r.loss_b, r.loss_a2, r.invisible_residual, r.visible_residual,
                       r.invisible_moved, fmt::join(r.end_velocity, ","), fmt::join(r.end_velocity_invisible, ","));
    core::write_file_atomic(staged.staging() / fmt::format("trajectory_eta{}.csv", i),
                            overlaps_csv(r.trajectory, config.a.rank));
  }
  core::write_file_atomic(staged.staging() / "memory.csv", csv);
  core::write_json(staged.staging() / "result.json", result.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnMemory,
                   {{"task_a", config.a.to_json()},
                    {"task_b", config.b.to_json()},
                    {"epochs", {config.epochs_a, config.epochs_b, config.epochs_a2}},
                    {"etas", config.etas_run()},
                    {"converge", config.converge}});
  staged.commit();
}

}  // namespace

std::vector<double> MemoryConfig::etas_run() const {
  return etas.empty() ? std::vector<double>{a.eta, a.eta / 2} : etas;
}

void MemoryConfig::validate() const {
  a.validate();
  b.validate();
  if (!a.same_network(b)) {
    throw core::UsageError("memory: tasks A and B must use the same network options");
  }
  for (int e : {epochs_a, epochs_b, epochs_a2}) {
    if (e < 1) throw core::UsageError(fmt::format("--epochs-a/-b/-a2: must be >= 1, got {}", e));
  }
  if (!(converge >= 0)) throw core::UsageError(fmt::format("--converge: must be >= 0, got {}", converge));
  if (converge > 0 && !a.is_gd()) {
    throw core::UsageError("--converge: GD only (Adam would restart its moment estimates with every chunk)");
  }
  for (double eta : etas_run()) {
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
                   {"end_velocity", r.end_velocity},
                   {"end_velocity_invisible", r.end_velocity_invisible},
                   {"converged", r.converged},
                   {"trajectory", r.trajectory}});
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
      core::read_field(j, "loss_a", r.loss_a);
      core::read_field(j, "loss_a_after_b", r.loss_a_after_b);
      core::read_field(j, "loss_b", r.loss_b);
      core::read_field(j, "loss_a2", r.loss_a2);
      core::read_field(j, "invisible_residual", r.invisible_residual);
      core::read_field(j, "visible_residual", r.visible_residual);
      core::read_field(j, "invisible_moved_by_b", r.invisible_moved);
      core::read_field(j, "end_velocity", r.end_velocity);
      core::read_field(j, "end_velocity_invisible", r.end_velocity_invisible);
      r.converged = j.at("converged").get<bool>();
      core::read_field(j, "trajectory", r.trajectory);
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

MemoryResult run_rnn_memory(const MemoryConfig& config, const core::RunContext& context) {
  const bool progress = context.progress;
  const std::vector<double> etas = config.etas_run();
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnMemory);
  const torch::Tensor invisible = 1 - models::visible_mask(config.a.rank, config.a.activation);
  const models::RnnTaskData task_a = config.a.task_data(), task_b = config.b.task_data();
  MemoryResult result;
  for (double eta : etas) {
    MemoryRun run;
    run.eta = eta;
    // The same learning time eta * epochs at every eta, so only the step size differs.
    const double scale = etas.front() / eta;
    auto scaled = [&](int epochs) { return static_cast<int>(std::lround(epochs * scale)); };
    run.epochs_a = scaled(config.epochs_a);
    run.epochs_b = scaled(config.epochs_b);
    run.epochs_a2 = scaled(config.epochs_a2);

    models::LowRankRnn rnn = init_rnn(config.a);
    int offset = 0;
    const torch::Tensor everything = torch::ones_like(invisible);
    // Trains `epochs`, then with config.converge goes on in chunks until the overlaps settle (or
    // 20 x epochs). Returns the loss at the end and sets `epochs` to what was trained.
    auto phase = [&](const RnnRunConfig& base, const models::RnnTaskData& task, int& epochs) {
      RnnRunConfig c = base;
      c.eta = eta;
      c.optimizer = config.a.optimizer;
      c.track_every = std::max(1, scaled(config.a.track_every));
      const int cap = 20 * epochs, chunk = std::max(1, epochs / 10);
      int trained = 0;
      for (int todo = epochs; todo > 0;) {
        c.epochs = todo;
        c.track_every = std::min(c.track_every, todo);
        auto records = train_rnn_on(rnn, task, c, progress, trained);
        for (size_t k = offset == 0 ? 0 : 1; k < records.size(); ++k) {
          records[k].epoch += offset;
          run.trajectory.push_back(records[k]);
        }
        offset += todo;
        trained += todo;
        todo = 0;
        if (config.converge > 0 && end_velocity(run.trajectory, eta, everything) >= config.converge) {
          if (trained < cap) {
            todo = std::min(chunk, cap - trained);
          } else {
            run.converged = false;
          }
        }
      }
      epochs = trained;
      run.end_velocity.push_back(end_velocity(run.trajectory, eta, everything));
      run.end_velocity_invisible.push_back(end_velocity(run.trajectory, eta, invisible));
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
  std::string out =
      fmt::format("memory ({} N={} R={}): {} -> {} -> {}{}\n", models::to_string(config.a.activation), config.a.n,
                  config.a.rank, config.a.task, config.b.task, config.a.task,
                  config.converge > 0 ? fmt::format(", each phase to |dSigma|/(eta t) < {:g}", config.converge) : "");
  out += fmt::format("{:>10} {:>12} {:>12} {:>12} {:>19} {:>17} {:>16} {:>20} {:>30}\n", "eta", "loss A", "A after B",
                     "loss A again", "invisible residual", "visible residual", "moved by B", "epochs A/B/A2",
                     "end drift invisible A/B/A2");
  for (const auto& r : result.runs) {
    std::vector<std::string> drift;
    for (double v : r.end_velocity_invisible) drift.push_back(fmt::format("{:.1e}", v));
    out += fmt::format("{:>10.4g} {:>12.3e} {:>12.3e} {:>12.3e} {:>19.3e} {:>17.3e} {:>16.3e} {:>20} {:>30}{}\n", r.eta,
                       r.loss_a, r.loss_a_after_b, r.loss_a2, r.invisible_residual, r.visible_residual,
                       r.invisible_moved, fmt::format("{}/{}/{}", r.epochs_a, r.epochs_b, r.epochs_a2),
                       fmt::format("{}", fmt::join(drift, "/")),
                       r.converged ? "" : "  (not converged within 20x the epochs)");
  }
  for (size_t i = 1; i < result.runs.size(); ++i) {
    out += fmt::format("residual ratio eta={:g} / eta={:g}: {:.2f}\n", result.runs[i - 1].eta, result.runs[i].eta,
                       result.runs[i - 1].invisible_residual / result.runs[i].invisible_residual);
  }
  out += "end drift: max |dSigma| per unit of learning time (eta x epochs) over each phase's last tracked interval\n";
  return out;
}

}  // namespace netprobe::experiments
