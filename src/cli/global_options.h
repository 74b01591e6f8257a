#pragma once
/// Options every subcommand shares, and the one place they are applied.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include <CLI/CLI.hpp>

#include "core/run_context.h"

namespace netprobe::cli {

struct GlobalOptions {
  int threads = 0;  ///< 0 = all cores
  uint64_t seed = 0;
  int verbose = 0;
  bool quiet = false;
  std::optional<std::filesystem::path> data_dir;
  CLI::Option* seed_option = nullptr;

  /// What a command runs with: the threads in effect (after apply_global_options), --seed when
  /// the user gave it (command line or config; commands whose default seed comes from elsewhere,
  /// such as a model's training seed, use it only then), progress unless -q, --data-dir.
  core::RunContext context() const;
};

/// Adds --threads, --seed, -v, -q, --data-dir, --config and --version to the app.
void add_global_options(CLI::App& app, GlobalOptions& options);

/// Appends the global options to the --help footer of every subcommand (at any depth): CLI11
/// lists only a subcommand's own options, but the global ones work after it too.
void document_global_options(CLI::App& app);

/// Applies logging and thread settings; returns the thread count in effect.
int apply_global_options(const GlobalOptions& options);

/// A parsed subcommand and the function that runs it.
struct Command {
  CLI::App* app = nullptr;
  std::function<void()> run;
};

}  // namespace netprobe::cli
