// `netprobe rnn theory`: full-N gradient descent against the overlap-space prediction.
#include <iostream>

#include "cli/option_binding.h"
#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/theory.h"

namespace netprobe::cli {

Command setup_rnn_theory(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("theory", "Full-N gradient descent against the overlap-space prediction");
  auto network = std::make_shared<experiments::RnnNetworkOptions>();
  auto task = std::make_shared<experiments::RnnTaskChoice>();
  auto config = std::make_shared<experiments::TheoryConfig>();
  network->defaults.epochs = 200;
  add_task_options(cmd, *task, "", "Task");
  add_network_options(cmd, *network);
  cmd->add_option("--n", config->sizes, "Network sizes, e.g. 250,1000,4000")->delimiter(',')->capture_default_str();
  add_epochs_option(cmd, *network, "Full-batch epochs");
  add_choice<models::Integrator>(cmd, "--integrator", config->integrator, models::parse_integrator, models::to_string,
                                 "The prediction: map (GD's exact discrete map), euler or rk4 (gradient flow, O(eta) "
                                 "from GD)");
  cmd->add_option("--out", config->out, "Directory for theory.csv, result.json and figures/");
  return {cmd, [network, task, config, &global] {
            const core::RunContext context = global.context();
            config->base = network->for_task(*task, {*task}, experiments::TaskDefaults::kNetworkOnly, context);
            config->validate();
            std::cout << experiments::theory_table_header(config->base.activation) << std::flush;
            const auto result =
                experiments::run_rnn_theory(*config, context, [](const experiments::TheoryComparison& c) {
                  std::cout << experiments::theory_table_line(c) << std::flush;
                });
            std::cout << experiments::format_theory_slope(result) << experiments::format_visible_flows(result);
            if (!config->out.empty()) report_figures(config->out);
          }};
}

}  // namespace netprobe::cli
