#pragma once
/// Binding options straight into typed config fields: a choice (an enum) parsed by the function
/// that owns its names, and the --format choice of commands that print a table or JSON.
///
///   add_choice(cmd, "--activation", config.activation, models::parse_activation, models::to_string, "relu, tanh ...");
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace netprobe::cli {

/// An option whose text is parsed into `target` when given (a UsageError of `parse` ends the run
/// with its message); `--help` shows the current value as the default.
template <typename T>
CLI::Option* add_choice(CLI::App* cmd, const std::string& name, T& target, T (*parse)(const std::string&),
                        std::string (*to_string)(T), const std::string& description) {
  return cmd
      ->add_option_function<std::string>(
          name, [&target, parse](const std::string& text) { target = parse(text); }, description)
      ->default_str(to_string(target));
}

/// The same for a choice the config holds as optional (set only when given).
template <typename T>
CLI::Option* add_choice(CLI::App* cmd, const std::string& name, std::optional<T>& target,
                        T (*parse)(const std::string&), const std::string& default_text,
                        const std::string& description) {
  return cmd
      ->add_option_function<std::string>(
          name, [&target, parse](const std::string& text) { target = parse(text); }, description)
      ->default_str(default_text);
}

/// --format table|json; UsageError naming --format otherwise.
CLI::Option* add_format_option(CLI::App* cmd, std::string& format);

/// --shard k/n, --shard-count n and --merge, the same for every sharded command; `units` names what
/// is sharded ("models", "layers"), `merge_does` what --merge makes of them.
void add_shard_options(CLI::App* cmd, std::string& shard, std::optional<int>& shard_count, bool& merge,
                       const std::string& units, const std::string& merge_does);

}  // namespace netprobe::cli
