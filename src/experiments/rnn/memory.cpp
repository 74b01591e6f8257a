#include "experiments/rnn/memory.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "experiments/rnn/network_options.h"

namespace netprobe::experiments {
namespace {

using core::Json;

std::vector<std::string> split_on(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  return parts;
}

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
      "visible_residual,invisible_moved_by_b,invisible_excursion\n";
  std::string phases_csv =
      "eta,phase,task,epochs,rate,target_noise,loss,invisible_distance,end_velocity,end_velocity_invisible\n";
  for (size_t i = 0; i < result.runs.size(); ++i) {
    const auto& r = result.runs[i];
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", r.eta, r.a().phase.epochs, r.b().phase.epochs,
                       r.a2().phase.epochs, r.a().loss, r.loss_a_after_b, r.b().loss, r.a2().loss, r.invisible_residual,
                       r.visible_residual, r.invisible_moved, r.invisible_excursion);
    for (size_t k = 0; k < r.phases.size(); ++k) {
      const auto& e = r.phases[k];
      phases_csv +=
          fmt::format("{},{},{},{},{},{},{},{},{},{}\n", r.eta, k, e.phase.task, e.phase.epochs, e.phase.rate,
                      e.phase.target_noise, e.loss, e.invisible_distance, e.end_velocity, e.end_velocity_invisible);
    }
    core::write_file_atomic(staged.staging() / fmt::format("trajectory_eta{}.csv", i),
                            overlaps_csv(r.trajectory, config.a.rank));
  }
  core::write_file_atomic(staged.staging() / "memory.csv", csv);
  core::write_file_atomic(staged.staging() / "phases.csv", phases_csv);
  core::write_json(staged.staging() / "result.json", result.to_json());
  std::vector<std::string> phases;
  for (const auto& p : config.phases_run()) phases.push_back(p.label());
  core::write_meta(staged.staging(), core::kind::kRnnMemory,
                   {{"task_a", config.a.to_json()},
                    {"task_b", config.b.to_json()},
                    {"phases", phases},
                    {"etas", config.etas_run()},
                    {"converge", config.converge}});
  staged.commit();
}

}  // namespace

const MemoryPhaseEnd& MemoryRun::b() const {
  const auto other = std::find_if(phases.begin(), phases.end(),
                                  [&](const MemoryPhaseEnd& e) { return e.phase.task != phases.front().phase.task; });
  if (other == phases.end()) throw core::Error("no phase of the other task");
  return *other;
}

std::string MemoryPhase::label() const {
  std::string out = fmt::format("{}:{}", task, epochs);
  if (rate != 1) out += fmt::format(":rate={:g}", rate);
  if (target_noise != 0) out += fmt::format(":noise={:g}", target_noise);
  return out;
}

std::vector<MemoryPhase> parse_memory_phases(const std::string& text) {
  const auto bad = [&](const std::string& part, const std::string& why) {
    return core::UsageError(
        fmt::format("--phases: '{}' {} (phases look like A:3000,B:1000,A:1000:rate=2:noise=0.1)", part, why));
  };
  const auto number = [&](const std::string& part, const std::string& value) {
    const auto x = parse_finite_number(value);
    if (!x) throw bad(part, "has '" + value + "', not a number");
    return *x;
  };
  std::vector<MemoryPhase> phases;
  for (const auto& part : split_on(text, ',')) {
    const auto fields = split_on(part, ':');
    if (fields.size() < 2 || fields[0].size() != 1 || (fields[0] != "A" && fields[0] != "B")) {
      throw bad(part, "does not start with A: or B:");
    }
    MemoryPhase phase;
    phase.task = fields[0][0];
    const double epochs = number(part, fields[1]);
    if (!(epochs >= 1 && epochs == std::floor(epochs) && epochs < 1e9)) throw bad(part, "needs whole epochs >= 1");
    phase.epochs = static_cast<int>(epochs);
    for (size_t i = 2; i < fields.size(); ++i) {
      const auto eq = fields[i].find('=');
      const std::string key = fields[i].substr(0, eq), value = eq == std::string::npos ? "" : fields[i].substr(eq + 1);
      if (key == "rate") {
        phase.rate = number(part, value);
        if (!(phase.rate > 0)) throw bad(part, "needs rate > 0");
      } else if (key == "noise") {
        phase.target_noise = number(part, value);
        if (!(phase.target_noise >= 0)) throw bad(part, "needs noise >= 0");
      } else {
        throw bad(part, "has '" + fields[i] + "' (rate=R or noise=S)");
      }
    }
    phases.push_back(phase);
  }
  if (phases.size() < 2) throw core::UsageError(fmt::format("--phases: need at least two phases, got '{}'", text));
  return phases;
}

std::vector<MemoryPhase> MemoryConfig::phases_run() const {
  if (!phases.empty()) return phases;
  return {{'A', epochs_a}, {'B', epochs_b}, {'A', epochs_a2}};
}

std::string MemoryConfig::sequence_label() const {
  if (phases.empty()) return "A -> B -> A";
  std::vector<std::string> labels;
  for (const auto& p : phases) labels.push_back(p.label());
  return fmt::format("{}", fmt::join(labels, " -> "));
}

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
  const auto run = phases_run();
  if (std::none_of(run.begin(), run.end(), [](const MemoryPhase& p) { return p.task == 'B'; }) ||
      run.front().task != 'A') {
    throw core::UsageError("--phases: start with A and include B (the end is compared with the first A)");
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
    Json phases = Json::array();
    for (const auto& e : r.phases) {
      phases.push_back({{"task", std::string(1, e.phase.task)},
                        {"epochs", e.phase.epochs},
                        {"rate", e.phase.rate},
                        {"target_noise", e.phase.target_noise},
                        {"loss", e.loss},
                        {"invisible_distance", e.invisible_distance},
                        {"end_velocity", e.end_velocity},
                        {"end_velocity_invisible", e.end_velocity_invisible}});
    }
    out.push_back({{"eta", r.eta},
                   {"phases", phases},
                   {"loss_a_after_b", r.loss_a_after_b},
                   {"invisible_residual", r.invisible_residual},
                   {"visible_residual", r.visible_residual},
                   {"invisible_moved_by_b", r.invisible_moved},
                   {"invisible_excursion", r.invisible_excursion},
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
      core::read_field(j, "trajectory", r.trajectory);
      int end = 0;
      for (const auto& jp : j.at("phases")) {
        MemoryPhaseEnd e;
        const auto task = jp.at("task").get<std::string>();
        if (task != "A" && task != "B") throw core::Error("phase task must be A or B, got '" + task + "'");
        e.phase.task = task[0];
        e.phase.epochs = jp.at("epochs").get<int>();
        e.phase.rate = jp.at("rate").get<double>();
        e.phase.target_noise = jp.at("target_noise").get<double>();
        core::read_field(jp, "loss", e.loss);
        core::read_field(jp, "invisible_distance", e.invisible_distance);
        core::read_field(jp, "end_velocity", e.end_velocity);
        core::read_field(jp, "end_velocity_invisible", e.end_velocity_invisible);
        end += e.phase.epochs;
        e.sigma = sigma_at_epoch(r.trajectory, end);
        r.phases.push_back(std::move(e));
      }
      if (r.phases.size() < 2) throw core::Error("a memory run has at least two phases");
      r.b();  // a phase of the other task
      core::read_field(j, "loss_a_after_b", r.loss_a_after_b);
      core::read_field(j, "invisible_residual", r.invisible_residual);
      core::read_field(j, "visible_residual", r.visible_residual);
      core::read_field(j, "invisible_moved_by_b", r.invisible_moved);
      core::read_field(j, "invisible_excursion", r.invisible_excursion);
      r.converged = j.at("converged").get<bool>();
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
  const std::vector<MemoryPhase> phases = config.phases_run();
  for (double eta : etas) {
    MemoryRun run;
    run.eta = eta;
    // The same learning time eta * epochs at every eta, so only the step size differs.
    const double scale = etas.front() / eta;
    auto scaled = [&](int epochs) { return std::max(1, static_cast<int>(std::lround(epochs * scale))); };

    models::LowRankRnn rnn = init_rnn(config.a);
    int offset = 0;
    const torch::Tensor everything = torch::ones_like(invisible);
    // Trains the phase's epochs, then with config.converge goes on in chunks until the overlaps
    // settle (or 20 x its epochs); a phase with noisy targets never settles and is not extended.
    // Epochs count from the start of the run, so every epoch of a random task or of noisy targets
    // draws anew.
    auto train_phase = [&](const MemoryPhase& spec) {
      RnnRunConfig c = spec.task == 'A' ? config.a : config.b;
      c.eta = eta * spec.rate;
      c.target_noise = spec.target_noise;
      c.optimizer = config.a.optimizer;
      c.track_every = scaled(config.a.track_every);
      MemoryPhaseEnd end;
      end.phase = spec;
      const int epochs = scaled(spec.epochs), cap = 20 * epochs, chunk = std::max(1, epochs / 10);
      int trained = 0;
      for (int todo = epochs; todo > 0;) {
        c.epochs = todo;
        c.track_every = std::min(c.track_every, todo);
        auto records = train_rnn_on(rnn, c.task_data(offset), c, progress, offset);
        for (size_t k = offset == 0 ? 0 : 1; k < records.size(); ++k) {
          records[k].epoch += offset;
          run.trajectory.push_back(records[k]);
        }
        offset += todo;
        trained += todo;
        todo = 0;
        // Noisy targets keep the overlaps moving by design: such a phase trains its epochs only.
        if (config.converge > 0 && spec.target_noise == 0 &&
            end_velocity(run.trajectory, c.eta, everything) >= config.converge) {
          if (trained < cap) {
            todo = std::min(chunk, cap - trained);
          } else {
            run.converged = false;
          }
        }
      }
      end.phase.epochs = trained;
      end.end_velocity = end_velocity(run.trajectory, c.eta, everything);
      end.end_velocity_invisible = end_velocity(run.trajectory, c.eta, invisible);
      end.sigma = models::overlap_matrix(rnn->vectors().detach());
      const models::RnnTaskData& clean = spec.task == 'A' ? task_a : task_b;
      torch::NoGradGuard no_grad;
      end.loss = models::rnn_loss(rnn->forward(clean.inputs), clean).item<double>();
      return end;
    };
    bool b_seen = false;
    for (const auto& spec : phases) {
      run.phases.push_back(train_phase(spec));
      run.phases.back().invisible_distance =
          masked_residual(run.phases.back().sigma, run.phases.front().sigma, invisible);
      if (spec.task == 'B' && !b_seen) {
        b_seen = true;
        torch::NoGradGuard no_grad;  // A's loss right after the first B phase
        run.loss_a_after_b = models::rnn_loss(rnn->forward(task_a.inputs), task_a).item<double>();
      }
    }
    run.invisible_residual = masked_residual(run.a2().sigma, run.a().sigma, invisible);
    run.visible_residual = masked_residual(run.a2().sigma, run.a().sigma, 1 - invisible);
    run.invisible_moved = masked_residual(run.b().sigma, run.a().sigma, invisible);
    const int first_end = run.a().phase.epochs;
    for (const auto& record : run.trajectory) {
      if (record.epoch > first_end) {
        run.invisible_excursion =
            std::max(run.invisible_excursion, masked_residual(record.sigma, run.a().sigma, invisible));
      }
    }
    result.runs.push_back(std::move(run));
  }
  if (!config.out.empty()) write_memory(config, result);
  return result;
}

std::string format_memory(const MemoryConfig& config, const MemoryResult& result) {
  std::string out =
      fmt::format("memory ({} N={} R={}): A = {}, B = {}; {}{}\n", models::to_string(config.a.activation), config.a.n,
                  config.a.rank, config.a.task_label(), config.b.task_label(), config.sequence_label(),
                  config.converge > 0 ? fmt::format(", each phase to |dSigma|/(eta t) < {:g}", config.converge) : "");
  out += fmt::format("{:>10} {:>11} {:>11} {:>11} {:>10} {:>10} {:>10} {:>10} {:>20} {:>26}\n", "eta", "loss A",
                     "A after B", "loss end", "invisible", "excursion", "residual/", "visible", "epochs per phase",
                     "end drift invisible");
  out += fmt::format("{:>10} {:>11} {:>11} {:>11} {:>10} {:>10} {:>10} {:>10}\n", "", "", "", "", "residual", "",
                     "excursion", "residual");
  for (const auto& r : result.runs) {
    std::vector<std::string> drift, epochs;
    for (const auto& e : r.phases) {
      drift.push_back(fmt::format("{:.1e}", e.end_velocity_invisible));
      epochs.push_back(std::to_string(e.phase.epochs));
    }
    out += fmt::format(
        "{:>10.4g} {:>11.3e} {:>11.3e} {:>11.3e} {:>10.3e} {:>10.3e} {:>10.3f} {:>10.3e} {:>20} {:>26}{}\n", r.eta,
        r.a().loss, r.loss_a_after_b, r.a2().loss, r.invisible_residual, r.invisible_excursion,
        r.invisible_residual / r.invisible_excursion, r.visible_residual, fmt::format("{}", fmt::join(epochs, "/")),
        fmt::format("{}", fmt::join(drift, "/")), r.converged ? "" : "  (not converged within 20x the epochs)");
  }
  for (size_t i = 1; i < result.runs.size(); ++i) {
    out += fmt::format("residual ratio eta={:g} / eta={:g}: {:.2f}\n", result.runs[i - 1].eta, result.runs[i].eta,
                       result.runs[i - 1].invisible_residual / result.runs[i].invisible_residual);
  }
  out +=
      "invisible residual: max |Sigma_end - Sigma_A| over the invisible entries / max |Sigma_A| there (Sigma_A: after "
      "the first phase); excursion: the largest such distance at any tracked epoch after it\n"
      "end drift: max |dSigma| per unit of learning time (eta x epochs) over each phase's last tracked interval\n";
  return out;
}

}  // namespace netprobe::experiments
