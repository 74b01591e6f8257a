// `netprobe rnn decode`: decode a network's first task from its overlaps after a common task.
#include <iostream>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/decode.h"

namespace netprobe::cli {

Command setup_rnn_decode(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand(
      "decode", "Twins learn task A1 or A2, then the same C; decode the first task from visible vs invisible overlaps");
  auto network = std::make_shared<experiments::RnnNetworkOptions>();
  auto a1 = std::make_shared<experiments::RnnTaskChoice>(), a2 = std::make_shared<experiments::RnnTaskChoice>(),
       c = std::make_shared<experiments::RnnTaskChoice>();
  a1->decay = 0.1;
  a2->decay = 0.6;
  c->decay = 0.3;
  network->defaults.n = 200;
  auto config = std::make_shared<experiments::DecodeConfig>();
  add_task_options(cmd, *a1, "-a1", "First task of one twin");
  add_task_options(cmd, *a2, "-a2", "First task of the other twin");
  add_task_options(cmd, *c, "-c", "Common task both learn next");
  add_network_options(cmd, *network);
  add_size_option(cmd, *network);
  cmd->add_option("--pairs", config->pairs, "Twin pairs (each from its own random network)")->capture_default_str();
  cmd->add_option("--epochs-first", config->epochs_first, "Epochs on A1 or A2")->capture_default_str();
  cmd->add_option("--epochs-c", config->epochs_common, "Epochs on C")->capture_default_str();
  cmd->add_option("--folds", config->folds, "Cross-validation folds (by pair)")->capture_default_str();
  cmd->add_option("--shuffles", config->shuffles, "Label permutations of the chance control")->capture_default_str();
  cmd->add_option("--test-pairs", config->authors.test_groups, "Authors' protocol: pairs held out per split")
      ->capture_default_str();
  cmd->add_option("--splits", config->authors.splits, "Authors' protocol: random splits")->capture_default_str();
  cmd->add_option("--feature-noise", config->authors.feature_noise,
                  "Authors' protocol: s.d. of the noise added to the standardized overlaps")
      ->capture_default_str();
  cmd->add_option("--ridge", config->ridge, "L2 penalty of the logistic regression (standardized features)")
      ->capture_default_str();
  cmd->add_option("--out", config->out, "Directory for decode.csv, networks.csv, result.json and figures/")->required();
  return {cmd, [network, a1, a2, c, config, &global] {
            const core::RunContext context = global.context();
            const std::vector<experiments::RnnTaskChoice> tasks = {*a1, *a2, *c};
            using experiments::TaskDefaults;
            config->first = network->for_task(*a1, tasks, TaskDefaults::kNetworkOnly, context);
            config->second = network->for_task(*a2, tasks, TaskDefaults::kNetworkOnly, context);
            config->common = network->for_task(*c, tasks, TaskDefaults::kNetworkOnly, context);
            const auto result = experiments::run_rnn_decode(*config, context);
            report_figures(config->out);
            std::cout << experiments::format_decode(*config, result) << "-> " << config->out.string() << "\n";
          }};
}

}  // namespace netprobe::cli
