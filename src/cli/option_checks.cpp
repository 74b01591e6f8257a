#include "cli/option_checks.h"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace netprobe::cli {

void check_config_file(const std::filesystem::path& path) {
  // The subset of TOML that CLI11 reads: sections and key = value pairs, with comments.
  static const std::regex blank(R"(^\s*(#.*)?$)");
  static const std::regex section(R"(^\s*\[[A-Za-z0-9_.-]+\]\s*(#.*)?$)");
  static const std::regex pair(R"(^\s*[A-Za-z0-9_.-]+\s*=\s*\S.*$)");
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const core::Error& e) {
    throw core::UsageError(fmt::format("--config: {}", e.what()));
  }
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (std::regex_match(line, blank) || std::regex_match(line, section) || std::regex_match(line, pair)) continue;
    throw core::UsageError(fmt::format("--config: {}:{}: not a TOML section or key = value line: '{}'", path.string(),
                                       number, line.substr(0, 60)));
  }
}

void check_config_argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) check_config_file(argv[i + 1]);
    if (arg.rfind("--config=", 0) == 0) check_config_file(arg.substr(9));
  }
}

namespace {

void check_option(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  const bool real = type.find("FLOAT") != std::string::npos;
  const bool unsigned_int = type.find("UINT") != std::string::npos;
  if (!real && !unsigned_int) return;
  const std::string name = option.get_name(false, true);
  for (const std::string& value : option.results()) {
    if (value.empty()) throw core::UsageError(fmt::format("{}: empty value", name));
    if (unsigned_int && value.find('-') != std::string::npos) {
      throw core::UsageError(fmt::format("{}: must be >= 0, got '{}'", name, value));
    }
    if (real) {
      char* end = nullptr;
      const double parsed = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && !std::isfinite(parsed)) {
        throw core::UsageError(fmt::format("{}: must be a finite number, got '{}'", name, value));
      }
    }
  }
}

}  // namespace

void check_parsed_values(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() > 0) check_option(*option);
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->parsed()) check_parsed_values(*sub);
  }
}

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  const std::string what = core::first_line(error.what());
  const std::string config_prefix = "INI was not able to parse ";
  if (what.rfind(config_prefix, 0) == 0) {
    std::string file = "the config file";
    for (int i = 1; i + 1 < argc; ++i) {
      if (std::string(argv[i]) == "--config") file = argv[i + 1];
    }
    return fmt::format(
        "--config: {}: unknown key '{}' (keys go under the [section] of their subcommand, e.g. "
        "[study] seeds = 3)",
        file, what.substr(config_prefix.size()));
  }
  // The first word that is neither an option nor a global option's value names the subcommand.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-", 0) == 0) {
      if (arg == "--threads" || arg == "--seed" || arg == "--data-dir" || arg == "--config") ++i;
      continue;
    }
    std::string known;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == arg) return what;
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    return fmt::format("unknown subcommand '{}' (known: {})", arg, known);
  }
  return what;
}

}  // namespace netprobe::cli
