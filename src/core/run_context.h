#pragma once
/// What every command runs with, decided by the global options: threads, the seed when given,
/// whether to show progress, and where the datasets are. Each run_<command> takes one.
///
///   core::RunContext ctx;  ctx.threads = 2;  ctx.seed = 7;
///   run_study(config, ctx);
#include <cstdint>
#include <filesystem>
#include <optional>

namespace netprobe::core {

struct RunContext {
  int threads = 1;               ///< intra-op threads in effect; models or variants run this many at once
  std::optional<uint64_t> seed;  ///< --seed when the user gave it
  bool progress = false;         ///< progress on stderr (a bar on a terminal, log lines otherwise)
  std::optional<std::filesystem::path> data_dir;  ///< --data-dir

  /// The seed given, else `fallback` (a run's own training seed, or 0).
  uint64_t seed_or(uint64_t fallback) const { return seed.value_or(fallback); }
};

}  // namespace netprobe::core
