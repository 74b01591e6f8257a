// `netprobe rnn train`: train a low-rank RNN and record its overlaps.
#include <iostream>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"

namespace netprobe::cli {

Command setup_rnn_train(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("train", "Train a low-rank RNN and record its overlaps");
  auto network = std::make_shared<experiments::RnnNetworkOptions>();
  auto task = std::make_shared<experiments::RnnTaskChoice>();
  auto out = std::make_shared<std::filesystem::path>();
  add_task_options(cmd, *task, "", "Task");
  add_network_options(cmd, *network);
  add_size_option(cmd, *network);
  add_epochs_option(cmd, *network, "Full-batch epochs");
  cmd->add_option("--out", *out, "Run directory to write")->required();
  return {cmd, [network, task, out, &global] {
            const core::RunContext context = global.context();
            const experiments::RnnTrainConfig config{
                network->for_task(*task, {*task}, experiments::TaskDefaults::kWithEpochs, context), *out};
            const experiments::RnnTrainResult result = experiments::run_rnn_train(config, context);
            report_figures(*out);
            std::cout << experiments::format_rnn_train(result, *out);
          }};
}

}  // namespace netprobe::cli
