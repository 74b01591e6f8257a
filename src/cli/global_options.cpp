#include "cli/global_options.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/logging.h"
#include "core/runtime.h"
#include "core/version.h"

namespace netprobe::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.set_version_flag("--version", "netprobe " + core::version() + " (git " + core::git_revision() + ", libtorch " +
                                        core::torch_version() + ")");
  // Unknown or misplaced keys in a config file are errors, not silently ignored (subcommands
  // inherit this setting when they are created, after this call).
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", "",
                 "Read options from a TOML file: a [subcommand] section per subcommand, e.g. "
                 "[study] seeds = 3");
  app.add_option("--threads", options.threads, "Intra-op threads (0 = all cores)")->capture_default_str();
  options.seed_option = app.add_option("--seed", options.seed, "Base random seed")->capture_default_str();
  app.add_flag("-v,--verbose", options.verbose, "More log output (repeat for more)");
  app.add_flag("-q,--quiet", options.quiet, "Only warnings and errors");
  app.add_option("--data-dir", options.data_dir, "Dataset root (default: $NETPROBE_DATA, repo data/, Debian path)");
}

namespace {

void append_footer(CLI::App* cmd, const std::string& text) {
  const std::string footer = cmd->get_footer();
  cmd->footer(footer.empty() ? text : footer + "\n\n" + text);
  for (CLI::App* sub : cmd->get_subcommands({})) append_footer(sub, text);
}

}  // namespace

void document_global_options(CLI::App& app) {
  std::string text = "Global options (before or after the subcommand):";
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_name() == "--help" || option->get_name() == "--version") continue;
    text += fmt::format("\n  {:<26} {}", option->get_name(false, true), option->get_description());
  }
  text +=
      "\n\nWhat the probes, scores, columns and keys mean (in the repository): docs/PROBES.md, "
      "docs/GLOSSARY.md, docs/READING_RESULTS.md, docs/USER_MODELS.md, docs/LOWRANK.md";
  app.footer(
      "Documentation: README.md and docs/ (PROBES.md, GLOSSARY.md, READING_RESULTS.md, USER_MODELS.md, "
      "LOWRANK.md)");
  for (CLI::App* sub : app.get_subcommands({})) append_footer(sub, text);
}

core::RunContext GlobalOptions::context() const {
  core::RunContext c;
  c.threads = torch::get_num_threads();
  if (seed_option != nullptr && seed_option->count() > 0) c.seed = seed;
  c.progress = !quiet;
  c.data_dir = data_dir;
  return c;
}

int apply_global_options(const GlobalOptions& options) {
  core::init_logging(options.quiet ? -1 : options.verbose);
  return core::configure_threads(options.threads);
}

}  // namespace netprobe::cli
