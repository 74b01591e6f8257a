#pragma once
/// `netprobe rnn train|theory|twins|memory|probe|decode`: low-rank RNNs (docs/LOWRANK.md).
#include <vector>

#include "cli/global_options.h"

namespace netprobe::cli {

/// All subcommands (the parent `rnn` requires one of them).
std::vector<Command> setup_rnn(CLI::App& app, const GlobalOptions& global);

// One registration function per subcommand, each in its own file.
Command setup_rnn_train(CLI::App* rnn, const GlobalOptions& global);
Command setup_rnn_theory(CLI::App* rnn, const GlobalOptions& global);
Command setup_rnn_twins(CLI::App* rnn, const GlobalOptions& global);
Command setup_rnn_memory(CLI::App* rnn, const GlobalOptions& global);
Command setup_rnn_probe(CLI::App* rnn, const GlobalOptions& global);
Command setup_rnn_decode(CLI::App* rnn, const GlobalOptions& global);

}  // namespace netprobe::cli
