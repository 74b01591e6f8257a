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

}  // namespace netprobe::cli
