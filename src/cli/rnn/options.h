#pragma once
/// Command-line options shared by the `netprobe rnn ...` subcommands, bound into the user's
/// network options (experiments/rnn/network_options.h, where unset ones get their defaults).
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "experiments/rnn/network_options.h"

namespace netprobe::cli {

/// --rank --activation --dt --steps --eta --optimizer --trials --fixed-trials --track-every
/// --init-overlaps and the task parameters (not --n and --epochs: commands take them differently). --help shows
/// `network.defaults`, so a command sets its own defaults first.
void add_network_options(CLI::App* cmd, experiments::RnnNetworkOptions& network);
/// The task parameters (--task-preset, --flipflop-gap, --coherences, ...); part of add_network_options.
void add_task_parameter_options(CLI::App* cmd, experiments::RnnTaskParamOptions& params);
/// --n: the network's size.
void add_size_option(CLI::App* cmd, experiments::RnnNetworkOptions& network);
/// --epochs, described as the command trains them.
void add_epochs_option(CLI::App* cmd, experiments::RnnNetworkOptions& network, const std::string& description);

/// A task by name and the filter's decay; `suffix` makes --task-a / --decay-a and so on.
void add_task_options(CLI::App* cmd, experiments::RnnTaskChoice& task, const std::string& suffix,
                      const std::string& role);

/// Draws the figures of a finished RNN run directory (netprobe report) and logs where they are.
void report_figures(const std::filesystem::path& dir);

}  // namespace netprobe::cli
