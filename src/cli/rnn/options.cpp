#include "cli/rnn/options.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "report/report.h"

namespace netprobe::cli {

void add_network_options(CLI::App* cmd, RawNetwork& raw) {
  cmd->add_option("--rank", raw.run.rank, "Rank R")->capture_default_str();
  cmd->add_option("--activation", raw.activation, "linear, tanh or erf_s")->capture_default_str();
  cmd->add_option("--dt", raw.run.dt, "Euler step")->capture_default_str();
  cmd->add_option("--steps", raw.run.steps, "Time steps T")->capture_default_str();
  cmd->add_option("--eta", raw.run.eta, "GD: overlaps move at rate eta (vectors at eta*N); Adam: its rate")
      ->capture_default_str();
  cmd->add_option("--optimizer", raw.optimizer, "gd or adam")->capture_default_str();
  cmd->add_option("--trials", raw.run.trials, "Trials per epoch of the flipflop and decision tasks")
      ->capture_default_str();
  cmd->add_flag("--fixed-trials", raw.fixed_trials,
                "Train the random tasks on one fixed batch of trials instead of fresh trials every epoch");
  cmd->add_option("--track-every", raw.run.track_every, "Record the overlaps every k epochs")->capture_default_str();
  cmd->add_option("--init-overlaps", raw.init_overlaps,
                  "Initial overlap matrix Sigma0 instead of a random start: a file, or rows inline "
                  "('1,0,0.5,0;0,1,0,0;0.5,0,1,0;0,0,0,1' for R=1, order z, v.., m, u..)");
}

std::vector<double> parse_overlap_numbers(const std::string& text) {
  std::string numbers = text;
  std::error_code ec;
  if (std::filesystem::is_regular_file(text, ec)) numbers = core::read_file(text);
  for (char& c : numbers) {
    if (c == ',' || c == ';' || c == '[' || c == ']' || std::isspace(static_cast<unsigned char>(c))) c = ' ';
  }
  std::istringstream in(numbers);
  std::vector<double> out;
  std::string token;
  while (in >> token) {
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size() || !std::isfinite(value)) {
      throw core::UsageError(fmt::format("--init-overlaps: '{}' is not a number (nor is '{}' a file)", token, text));
    }
    out.push_back(value);
  }
  if (out.empty()) throw core::UsageError(fmt::format("--init-overlaps: no numbers in '{}'", text));
  return out;
}

void apply_task_defaults(const CLI::App* cmd, RawNetwork& raw, const std::vector<std::string>& tasks,
                         TaskDefaults scope) {
  std::optional<experiments::RnnTaskDefaults> defaults;
  for (const std::string& task : tasks) {
    if ((defaults = experiments::rnn_task_defaults(task))) break;
  }
  if (!defaults) return;
  const auto unset = [&](const char* option) {
    return cmd->get_option_no_throw(option) != nullptr && cmd->count(option) == 0;
  };
  if (unset("--n")) raw.run.n = defaults->n;
  if (unset("--activation")) raw.activation = models::to_string(defaults->activation);
  if (unset("--dt")) raw.run.dt = defaults->dt;
  if (unset("--steps")) raw.run.steps = defaults->steps;
  if (unset("--trials")) raw.run.trials = defaults->trials;
  if (unset("--eta")) raw.run.eta = defaults->eta;
  if (scope == TaskDefaults::kWithEpochs && unset("--epochs")) raw.run.epochs = defaults->epochs;
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
  c.fresh_trials = !raw.fixed_trials;
  if (!raw.init_overlaps.empty()) c.init_overlaps = parse_overlap_numbers(raw.init_overlaps);
  c.validate();
  return c;
}

void report_figures(const std::filesystem::path& dir) {
  const auto summary = report::write_report(dir);
  spdlog::info("report: {} of {} figures drawn in {}", summary.render.rendered.size(), summary.figures,
               (dir / "figures").string());
}

}  // namespace netprobe::cli
