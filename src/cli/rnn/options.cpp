#include "cli/rnn/options.h"

#include <spdlog/spdlog.h>

#include "cli/option_binding.h"
#include "report/report.h"

namespace netprobe::cli {

void add_network_options(CLI::App* cmd, experiments::RnnNetworkOptions& network) {
  experiments::RnnRunConfig& d = network.defaults;
  cmd->add_option("--rank", d.rank, "Rank R")->capture_default_str();
  add_choice<models::RnnActivation>(cmd, "--activation", network.activation, models::parse_rnn_activation,
                                    models::to_string(d.activation), "linear, tanh or erf_s");
  cmd->add_option("--dt", network.dt, "Euler step")->default_str(fmt::format("{}", d.dt));
  cmd->add_option("--steps", network.steps, "Time steps T")->default_str(std::to_string(d.steps));
  cmd->add_option("--eta", network.eta, "GD: overlaps move at rate eta (vectors at eta*N); Adam: its rate")
      ->default_str(fmt::format("{}", d.eta));
  add_choice<train::OptimizerKind>(cmd, "--optimizer", d.optimizer, experiments::parse_rnn_optimizer,
                                   experiments::rnn_optimizer_name, "gd or adam");
  cmd->add_option("--trials", network.trials, "Trials per epoch of the flipflop and decision tasks")
      ->default_str(std::to_string(d.trials));
  cmd->add_flag_callback(
      "--fixed-trials", [&d] { d.fresh_trials = false; },
      "Train the random tasks on one fixed batch of trials instead of fresh trials every epoch");
  cmd->add_option("--track-every", d.track_every, "Record the overlaps every k epochs")->capture_default_str();
  cmd->add_option_function<std::string>(
      "--init-overlaps", [&d](const std::string& text) { d.init_overlaps = experiments::parse_overlap_numbers(text); },
      "Initial overlap matrix Sigma0 instead of a random start: a file, or rows inline "
      "('1,0,0.5,0;0,1,0,0;0.5,0,1,0;0,0,0,1' for R=1, order z, v.., m, u..)");
  cmd->add_flag(
      "--balanced-init", d.balanced_init,
      "Start balanced (K = A A^T - B B^T = 0: B random with |b|^2/N = 0.25, A = B Q for a random rotation Q)");
  add_task_parameter_options(cmd, network.task_params);
}

void add_task_parameter_options(CLI::App* cmd, experiments::RnnTaskParamOptions& p) {
  const std::string group = "Task parameters (defaults: --task-preset)";
  cmd->add_option("--task-preset", p.preset,
                  "authors (the authors' task definitions) or netprobe-v1 (netprobe's before: flip-flop's first pulse "
                  "after a gap and scored from t = 0; decision coherences +-{1,2,4,8,16}, fixation scored)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--flipflop-first", p.flipflop_first, "Flip-flop: time of the first pulse [0.5]")->group(group);
  cmd->add_option("--flipflop-gap", p.flipflop_gap,
                  "Flip-flop: MIN,MAX of the quiet time before each later pulse [4,10]")
      ->delimiter(',')
      ->group(group);
  cmd->add_option("--pulse-amplitude", p.pulse_amplitude, "Flip-flop: input pulses of +-this [1]")->group(group);
  cmd->add_option("--flipflop-target", p.flipflop_target, "Flip-flop: the target holds +-this [0.5]")->group(group);
  cmd->add_option("--coherences", p.coherences, "Decision: coherences, each drawn with either sign [2,4,8,16]")
      ->delimiter(',')
      ->group(group);
  cmd->add_option("--decision-periods", p.decision_periods,
                  "Decision: FIXATION,STIMULUS,DELAY in time units; the response fills the rest [1,9,1]")
      ->delimiter(',')
      ->group(group);
  cmd->add_option("--input-noise", p.input_noise, "Decision: s.d. of the input noise on every step [0.03]")
      ->group(group);
  cmd->add_option("--teacher-input", p.teacher_input,
                  "Teacher: NOISE,PULSES scales of its input, noise x N(0,1) + pulses x flip-flop pulses [1.5,2]")
      ->delimiter(',')
      ->group(group);
  cmd->add_option_function<std::string>(
         "--teacher-overlaps",
         [&p](const std::string& text) {
           p.teacher_overlaps = experiments::parse_overlap_numbers(text, "--teacher-overlaps");
         },
         "Teacher: its overlap matrix, as --init-overlaps [netprobe's bistable rank-1 teacher]")
      ->group(group);
}

void add_size_option(CLI::App* cmd, experiments::RnnNetworkOptions& network) {
  cmd->add_option("--n", network.n, "Neurons N")->default_str(std::to_string(network.defaults.n));
}

void add_epochs_option(CLI::App* cmd, experiments::RnnNetworkOptions& network, const std::string& description) {
  cmd->add_option("--epochs", network.epochs, description)->default_str(std::to_string(network.defaults.epochs));
}

void add_task_options(CLI::App* cmd, experiments::RnnTaskChoice& task, const std::string& suffix,
                      const std::string& role) {
  cmd->add_option("--task" + suffix, task.name, role + ": filter, oscillation (rank-2 target), flipflop or decision")
      ->capture_default_str();
  cmd->add_option("--decay" + suffix, task.decay, role + ": c of the filter target exp(-c t)")->capture_default_str();
}

void report_figures(const std::filesystem::path& dir) {
  const auto summary = report::write_report(dir);
  spdlog::info("report: {} of {} figures drawn in {}", summary.render.rendered.size(), summary.figures,
               (dir / "figures").string());
}

}  // namespace netprobe::cli
