#include "src/cli/rnn_options.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/core/errors.h"
#include "src/report/report.h"

namespace netprobe::cli {

void add_network_options(CLI::App* cmd, RawNetwork& raw) {
  cmd->add_option("--rank", raw.run.rank, "Rank R")->capture_default_str();
  cmd->add_option("--activation", raw.activation, "linear, tanh or erf_s")->capture_default_str();
  cmd->add_option("--dt", raw.run.dt, "Euler step")->capture_default_str();
  cmd->add_option("--steps", raw.run.steps, "Time steps T")->capture_default_str();
  cmd->add_option("--eta", raw.run.eta, "GD: overlaps move at rate eta (vectors at eta*N); Adam: its rate")
      ->capture_default_str();
  cmd->add_option("--optimizer", raw.optimizer, "gd or adam")->capture_default_str();
  cmd->add_option("--trials", raw.run.trials, "Trials of the flipflop and decision tasks (one fixed full batch)")
      ->capture_default_str();
  cmd->add_option("--track-every", raw.run.track_every, "Record the overlaps every k epochs")->capture_default_str();
}

void add_task_options(CLI::App* cmd, RawTask& task, const std::string& suffix, const std::string& role) {
  cmd->add_option("--task" + suffix, task.name, role + ": filter, oscillation (rank-2 target), flipflop or decision")
      ->capture_default_str();
  cmd->add_option("--decay" + suffix, task.decay, role + ": c of the filter target exp(-c t)")->capture_default_str();
}

experiments::RnnRunConfig finish(const RawNetwork& raw, const RawTask& task, uint64_t seed) {
  experiments::RnnRunConfig c = raw.run;
  c.task = task.name;
  c.decay = task.decay;
  c.activation = models::parse_rnn_activation(raw.activation);
  c.optimizer = experiments::parse_rnn_optimizer(raw.optimizer);
  c.seed = seed;
  c.validate();
  return c;
}

void report_figures(const std::filesystem::path& dir) {
  const auto summary = report::write_report(dir);
  spdlog::info("report: {} of {} figures drawn in {}", summary.render.rendered.size(), summary.figures,
               (dir / "figures").string());
}

}  // namespace netprobe::cli
