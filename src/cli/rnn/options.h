#pragma once
/// Command-line options shared by the `netprobe rnn ...` subcommands.
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "experiments/rnn/run.h"

namespace netprobe::cli {

/// Network and optimizer options as typed (activation and optimizer still strings).
struct RawNetwork {
  std::string activation = "linear", optimizer = "gd";
  std::string init_overlaps;  ///< --init-overlaps as typed: a file, or rows "a,b,..;c,d,.."
  bool fixed_trials = false;  ///< --fixed-trials
  experiments::RnnRunConfig run;
};
/// --rank --activation --dt --steps --eta --optimizer --trials --fixed-trials --track-every --init-overlaps (not
/// --n: some commands take one N, `rnn theory` a list).
void add_network_options(CLI::App* cmd, RawNetwork& raw);

/// A task by name and the filter's decay; `suffix` makes --task-a / --decay-a and so on.
struct RawTask {
  std::string name = "filter";
  double decay = 0.2;
};
void add_task_options(CLI::App* cmd, RawTask& task, const std::string& suffix, const std::string& role);

/// The authors' setting (experiments::rnn_task_defaults) of the first of `tasks` that has one, for
/// every one of --n --activation --dt --steps --trials --eta that `cmd` has and the user did not
/// give; --epochs too with kWithEpochs (`rnn train`, where the epochs are that task's).
enum class TaskDefaults { kNetworkOnly, kWithEpochs };
void apply_task_defaults(const CLI::App* cmd, RawNetwork& raw, const std::vector<std::string>& tasks,
                         TaskDefaults scope);

/// The numbers of an overlap matrix: `text` names a file, or is the matrix itself; numbers are
/// separated by commas, semicolons, white space or JSON brackets. UsageError naming --init-overlaps
/// for an unreadable file or a token that is not a number.
std::vector<double> parse_overlap_numbers(const std::string& text);

/// The validated run config (UsageError naming the option otherwise).
experiments::RnnRunConfig finish(const RawNetwork& raw, const RawTask& task, uint64_t seed);

/// Draws the figures of a finished RNN run directory (netprobe report) and logs where they are.
void report_figures(const std::filesystem::path& dir);

}  // namespace netprobe::cli
