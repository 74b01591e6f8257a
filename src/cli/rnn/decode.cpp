// `netprobe rnn decode`: decode a network's first task from its overlaps after a common task.
#include <fmt/format.h>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/decode.h"

namespace netprobe::cli {

Command setup_rnn_decode(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand(
      "decode", "Twins learn task A1 or A2, then the same C; decode the first task from visible vs invisible overlaps");
  auto net = std::make_shared<RawNetwork>();
  auto a1 = std::make_shared<RawTask>(), a2 = std::make_shared<RawTask>(), c = std::make_shared<RawTask>();
  a1->decay = 0.1;
  a2->decay = 0.6;
  c->decay = 0.3;
  net->run.n = 200;
  auto config = std::make_shared<experiments::DecodeConfig>();
  auto out = std::make_shared<std::string>();
  add_task_options(cmd, *a1, "-a1", "First task of one twin");
  add_task_options(cmd, *a2, "-a2", "First task of the other twin");
  add_task_options(cmd, *c, "-c", "Common task both learn next");
  add_network_options(cmd, *net);
  cmd->add_option("--n", net->run.n, "Neurons N")->capture_default_str();
  cmd->add_option("--pairs", config->pairs, "Twin pairs (each from its own random network)")->capture_default_str();
  cmd->add_option("--epochs-first", config->epochs_first, "Epochs on A1 or A2")->capture_default_str();
  cmd->add_option("--epochs-c", config->epochs_common, "Epochs on C")->capture_default_str();
  cmd->add_option("--folds", config->folds, "Cross-validation folds (by pair)")->capture_default_str();
  cmd->add_option("--shuffles", config->shuffles, "Label permutations of the chance control")->capture_default_str();
  cmd->add_option("--ridge", config->ridge, "L2 penalty of the logistic regression (standardized features)")
      ->capture_default_str();
  cmd->add_option("--out", *out, "Directory for decode.csv, networks.csv, result.json and figures/")->required();
  return {cmd, [cmd, net, a1, a2, c, config, out, &global] {
            apply_task_defaults(cmd, *net, {a1->name, a2->name, c->name}, TaskDefaults::kNetworkOnly);
            config->first = finish(*net, *a1, global.seed);
            config->second = finish(*net, *a2, global.seed);
            config->common = finish(*net, *c, global.seed);
            config->out = *out;
            const auto result = experiments::run_decode(*config, !global.quiet);
            report_figures(*out);
            std::cout << experiments::format_decode(*config, result) << "-> " << *out << "\n";
          }};
}

}  // namespace netprobe::cli
