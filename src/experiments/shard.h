#pragma once
/// Shards of a long run: `study --shard k/n` runs the k-th of n deterministic, balanced shares of
/// the (task, seed) models, `compress --shard k/n` of the layers; `--merge` scores and reports once
/// every unit is cached. Shards share one results directory (on a shared file system for a SLURM
/// job array) and never write the same file: each unit's files are written by the shard that owns
/// it, under a lock of their own.
///
///   Shard s = parse_shard("3/64");          // owns units 3, 67, 131, ... of the run's list
///   auto env = shard_from_environment(std::getenv, std::nullopt);   // inside a SLURM array task
///   auto mine = select_shard(config.shard, config.shard_count, config.merge, "study");
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json_io.h"

namespace netprobe::experiments {

struct Shard {
  int index = 0;  ///< k, from 0
  int count = 1;  ///< n
  /// Round robin over the run's list of units (a study's models, task-major and seed-minor; a
  /// compression's layers): shard sizes differ by at most one unit, and task mixes spread evenly.
  bool owns(size_t unit) const { return unit % static_cast<size_t>(count) == static_cast<size_t>(index); }
  std::string label() const;  ///< "3/64"
};

/// "k/n" with 0 <= k < n; UsageError naming `option` and the value otherwise.
Shard parse_shard(const std::string& text, const std::string& option = "--shard");

/// The shard of a SLURM array task: k = SLURM_ARRAY_TASK_ID, n = `count` when given (--shard-count,
/// needed when only some indices re-run, e.g. --array=3,17 of 64), else SLURM_ARRAY_TASK_COUNT of an
/// array numbered 0..n-1. nullopt outside an array task; UsageError naming the variable when the
/// values do not make a shard.
std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& getenv,
                                            std::optional<int> count);

/// The shard of this run: --shard `text` when given (checked against --shard-count), else a SLURM
/// array task's (not for a merge, which may run inside an array job). UsageError naming the option.
std::optional<Shard> select_shard(const std::string& text, std::optional<int> count, bool merge,
                                  const std::string& command);

/// The file a finished shard leaves in the results directory: shards/shard-<k>-of-<n>.json.
std::filesystem::path shard_record_path(const std::filesystem::path& out, const Shard& shard);

/// The shard counts of the records under out/shards (sorted, distinct): which shard owns a unit.
std::vector<int> recorded_shard_counts(const std::filesystem::path& out);

/// A unit the merge cannot use yet.
struct MissingUnit {
  size_t index = 0;  ///< position in the run's list
  std::string name;  ///< "mnist-7v9 seed 3", "layer2.0.conv1"
  std::string why;   ///< "not trained", "no sweeps", ...
};

/// One line for the merge's error: how many of `total` units (`what`: "models", "layers") are
/// missing, the first few with why, and (from the shard records of `out`) the shards that own
/// them and must run again.
std::string describe_missing(const std::vector<MissingUnit>& missing, size_t total, const std::string& what,
                             const std::filesystem::path& out);

}  // namespace netprobe::experiments
