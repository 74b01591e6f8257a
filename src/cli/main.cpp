// netprobe: the command-line entry point. Parses, applies global options, runs one subcommand,
// and turns any exception into one line on stderr and a non-zero exit code.
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cmd_compress.h"
#include "cli/cmd_data.h"
#include "cli/cmd_eval.h"
#include "cli/cmd_export.h"
#include "cli/cmd_layers.h"
#include "cli/cmd_probe.h"
#include "cli/cmd_report.h"
#include "cli/cmd_study.h"
#include "cli/cmd_train.h"
#include "cli/global_options.h"
#include "cli/option_checks.h"
#include "cli/rnn/cmd_rnn.h"
#include "core/errors.h"
#include "core/invocation.h"
#include "core/runtime.h"

int main(int argc, char** argv) {
  using namespace netprobe;
  core::ensure_passive_omp_wait(argc, argv);
  core::tune_allocator();

  CLI::App app{"netprobe: how much of a trained network lives in its exact weights"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `netprobe data info --threads 1`
  cli::GlobalOptions global;
  cli::add_global_options(app, global);
  std::vector<cli::Command> commands = {
      cli::setup_data(app, global),   cli::setup_train(app, global),  cli::setup_eval(app, global),
      cli::setup_probe(app, global),  cli::setup_layers(app, global), cli::setup_compress(app, global),
      cli::setup_export(app, global), cli::setup_study(app, global),  cli::setup_report(app, global),
  };
  for (auto& command : cli::setup_rnn(app, global)) commands.push_back(std::move(command));
  cli::document_global_options(app);

  try {
    cli::check_config_argument(argc, argv, &app);
    core::record_invocation(argc, argv);  // into every meta.json this run writes
    app.parse(argc, argv);
    cli::check_parsed_values(app);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "netprobe: error: " << cli::describe_parse_error(app, e, argc, argv) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "netprobe: error: " << core::first_line(e.what()) << "\n";
    return core::exit_code_for(e);
  }
  try {
    cli::apply_global_options(global);
    for (const auto& command : commands) {
      if (command.app->parsed()) command.run();
    }
  } catch (const std::exception& e) {
    // One line; LibTorch's backtrace and the rest of a long message only with -v.
    std::cerr << "netprobe: error: " << (global.verbose > 0 ? std::string(e.what()) : core::first_line(e.what()))
              << "\n";
    return core::exit_code_for(e);
  }
  return 0;
}
