#include "cli/cmd_data.h"

#include <iostream>

#include "experiments/data_info.h"

namespace netprobe::cli {

Command setup_data(CLI::App& app, const GlobalOptions& global) {
  CLI::App* data = app.add_subcommand("data", "Inspect the datasets");
  data->require_subcommand(1);
  CLI::App* info = data->add_subcommand("info", "Per-split, per-class image counts");
  auto config = std::make_shared<experiments::DataInfoConfig>();
  info->add_option("--dataset", config->dataset, "mnist or fashion-mnist (default: all)");
  return {info, [config, &global] {
            std::cout << experiments::format_data_info(experiments::run_data_info(*config, global.context()));
          }};
}

}  // namespace netprobe::cli
