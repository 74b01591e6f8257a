#pragma once
/// Checks CLI11 does not make on its own: a config file that is not the TOML subset it reads,
/// non-finite or empty real values, negative values for unsigned options. Each failure is a
/// core::UsageError naming the file and line or the option as the user typed it.
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace netprobe::cli {

/// Validates a --config file with a TOML parser (toml++): invalid TOML (an unterminated string, a
/// repeated key or [section], a bare word) is refused with file:line:column, a UTF-8 byte order
/// mark is named. With `app`, every [section] must be a subcommand (`[rnn.train]` for nested ones)
/// and every key one of its options (or a global option at the top), named by its dotted path.
void check_config_file(const std::filesystem::path& path, const CLI::App* app = nullptr);

/// Finds `--config FILE` or `--config=FILE` in argv and checks the file (check_config_file)
/// before CLI11 reads it leniently.
void check_config_argument(int argc, char** argv, const CLI::App* app = nullptr);

/// Walks every parsed option of `app` and its subcommands: real values must be finite numbers
/// (nan, inf and 1e999 are refused) and not empty; unsigned values must not start with '-'.
void check_parsed_values(const CLI::App& app);

/// One line for a CLI11 parse error, in netprobe's words where CLI11's are unclear: an unknown
/// subcommand is named, an unknown config key says which file and that keys belong under a
/// [subcommand] section.
std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv);

}  // namespace netprobe::cli
