#pragma once
/// `netprobe rnn train` and `netprobe rnn theory`: low-rank RNNs (LOWRANK.md).
#include <filesystem>
#include <vector>

#include "models/rnn_run.h"
#include "src/cli/global_options.h"

namespace netprobe::cli {

struct RnnTheoryOptions {
  models::RnnRunConfig run;
  std::vector<int64_t> sizes{250, 1000};  ///< N values
  std::optional<std::filesystem::path> out;  ///< CSV of the error along training, per N
};

/// Both subcommands (the parent `rnn` requires one of them).
std::vector<Command> setup_rnn(CLI::App& app, const GlobalOptions& global);
std::vector<models::TheoryComparison> run_rnn_theory(const RnnTheoryOptions& options);

}  // namespace netprobe::cli
