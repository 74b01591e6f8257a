#include "cli/option_binding.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::cli {

CLI::Option* add_format_option(CLI::App* cmd, std::string& format) {
  return cmd
      ->add_option_function<std::string>(
          "--format",
          [&format](const std::string& text) {
            if (text != "table" && text != "json") {
              throw core::UsageError(fmt::format("--format: expected table or json, got '{}'", text));
            }
            format = text;
          },
          "Summary on stdout: table or json")
      ->default_str(format);
}

void add_shard_options(CLI::App* cmd, std::string& shard, std::optional<int>& shard_count, bool& merge,
                       const std::string& units, const std::string& merge_does) {
  cmd->add_option("--shard", shard,
                  fmt::format("k/n: only shard k (from 0) of n of the {} into --out, for a job array; then --merge; "
                              "default inside a SLURM array task: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT",
                              units));
  cmd->add_option("--shard-count", shard_count,
                  "n for a SLURM array task's shard SLURM_ARRAY_TASK_ID (needed when re-running only some indices)");
  cmd->add_flag(
      "--merge", merge,
      fmt::format("{} from the {} the shards left in --out; fails naming any that is missing", merge_does, units));
}

}  // namespace netprobe::cli
