#pragma once
/// The options of the `rnn` commands as a user gives them, and the one place where the unset ones
/// take their defaults: a nonlinear task's own setting (rnn_task_defaults: the authors' N, dt, T,
/// trials, eta, activation and epochs for flipflop and decision), else the command's.
///
///   RnnNetworkOptions network;  network.n = 200;               // the user gave --n 200
///   RnnRunConfig c = network.for_task({"flipflop"}, {{"flipflop"}}, TaskDefaults::kWithEpochs, ctx);
///   // c.n == 200, c.activation == tanh, c.eta == 0.5 (the flip-flop's), c.seed == ctx's seed or 0
#include <optional>
#include <string>
#include <vector>

#include "core/run_context.h"
#include "experiments/rnn/run.h"

namespace netprobe::experiments {

/// A task as an `rnn` command names it: --task and, for the filter, --decay.
struct RnnTaskChoice {
  std::string name = "filter";
  double decay = 0.2;
};

/// The task-parameter options as given: a preset, then each option the user set on top of it.
struct RnnTaskParamOptions {
  std::string preset = "authors";
  std::optional<double> flipflop_first, pulse_amplitude, flipflop_target, input_noise;
  std::optional<std::vector<double>> flipflop_gap, coherences, decision_periods, teacher_input, teacher_overlaps;
  /// The preset with the given options applied, validated. UsageError naming the option of a list
  /// of the wrong length or an invalid value.
  models::RnnTaskParams resolve() const;
};

/// Whether a task's defaults include its epochs (`rnn train`, where the epochs are that task's) or
/// only the network (`twins`, `memory`, `decode`, whose epochs are per phase).
enum class TaskDefaults { kNetworkOnly, kWithEpochs };

struct RnnNetworkOptions {
  /// The command's defaults, and what needs none from a task: rank, optimizer, track_every,
  /// fresh_trials, init_overlaps (the command sets these directly).
  RnnRunConfig defaults;
  /// What a task may bring a default for: set only when the user gave the option.
  std::optional<int64_t> n, steps, trials;
  std::optional<models::RnnActivation> activation;
  std::optional<double> dt, eta;
  std::optional<int> epochs;
  RnnTaskParamOptions task_params;

  /// The validated run config of `task`: each option the user gave, else the defaults of the
  /// first of `tasks` that has some, else the command's; seeded from the context (default 0).
  /// UsageError naming the option of an invalid value.
  RnnRunConfig for_task(const RnnTaskChoice& task, const std::vector<RnnTaskChoice>& tasks, TaskDefaults scope,
                        const core::RunContext& context) const;
};

/// The number `token` spells in full, if it is a finite one ("0.1" yes; "0.1x", "nan", "" no).
std::optional<double> parse_finite_number(const std::string& token);

/// The numbers of an overlap matrix: `text` names a file, or is the matrix itself; numbers are
/// separated by commas, semicolons, white space or JSON brackets. UsageError naming `option` for an
/// unreadable file or a token that is not a number.
std::vector<double> parse_overlap_numbers(const std::string& text, const std::string& option = "--init-overlaps");

}  // namespace netprobe::experiments
