#include "cli/option_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace netprobe::cli {

namespace {

bool has_option(const CLI::App& app, const std::string& key) {
  std::string dashed = key;
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  for (const std::string& name : {key, "--" + key, "--" + dashed, "-" + key}) {
    if (app.get_option_no_throw(name) != nullptr) return true;
  }
  return false;
}

std::string subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return fmt::format("{}", fmt::join(names, ", "));
}

// Every key of `table` (the options of `app`, a subcommand at `path`) names an option, every
// sub-table a subcommand of `app`.
void check_config_table(const toml::table& table, const CLI::App& app, const std::string& path,
                        const std::filesystem::path& file) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const std::string dotted = path.empty() ? name : path + "." + name;
    const auto where = [&] {
      return fmt::format("--config: {}:{}:{}", file.string(), key.source().begin.line, key.source().begin.column);
    };
    if (const toml::table* sub_table = node.as_table()) {
      const CLI::App* sub = nullptr;
      for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (s->get_name() == name) sub = s;
      }
      if (sub == nullptr) {
        throw core::UsageError(fmt::format("{}: unknown section [{}] (sections are subcommands{}: {})", where(), dotted,
                                           path.empty() ? "" : " of " + path, subcommand_names(app)));
      }
      check_config_table(*sub_table, *sub, dotted, file);
    } else if (!has_option(app, name)) {
      throw core::UsageError(
          fmt::format("{}: unknown key '{}' ({}; keys go under the [section] of their subcommand, "
                      "e.g. [study] seeds = 3)",
                      where(), dotted, path.empty() ? "not a global option" : "not an option of " + path));
    }
  }
}

}  // namespace

void check_config_file(const std::filesystem::path& path, const CLI::App* app) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const core::Error& e) {
    throw core::UsageError(fmt::format("--config: {}", e.what()));
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    throw core::UsageError(
        fmt::format("--config: {}: starts with a UTF-8 byte order mark; save it as UTF-8 without one", path.string()));
  }
  toml::table table;
  try {
    table = toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    throw core::UsageError(fmt::format("--config: {}:{}:{}: {}", path.string(), e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  if (app != nullptr) check_config_table(table, *app, "", path);
}

void check_config_argument(int argc, char** argv, const CLI::App* app) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) check_config_file(argv[i + 1], app);
    if (arg.rfind("--config=", 0) == 0) check_config_file(arg.substr(9), app);
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
