// `netprobe rnn train`: train a low-rank RNN and record its overlaps.
#include <iostream>

#include "cli/option_binding.h"
#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "core/errors.h"

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
  auto space = std::make_shared<experiments::TrainingSpace>(experiments::TrainingSpace::kNetwork);
  auto integrator = std::make_shared<models::Integrator>(models::Integrator::kMap);
  add_choice<experiments::TrainingSpace>(cmd, "--space", *space, experiments::parse_training_space,
                                         experiments::to_string,
                                         "network (its N-vectors) or overlap (the overlaps alone: cost independent "
                                         "of N; exact for linear phi, Gaussian closure otherwise)");
  CLI::Option* integrator_option = add_choice<models::Integrator>(
      cmd, "--integrator", *integrator, models::parse_integrator, models::to_string,
      "With --space overlap: map (GD's exact discrete map), euler or rk4 (gradient flow)");
  return {cmd, [network, task, out, space, integrator, integrator_option, &global] {
            if (integrator_option->count() > 0 && *space != experiments::TrainingSpace::kOverlap) {
              throw core::UsageError("--integrator: only with --space overlap (a network trains by GD or Adam)");
            }
            const core::RunContext context = global.context();
            const experiments::RnnTrainConfig config{
                network->for_task(*task, {*task}, experiments::TaskDefaults::kWithEpochs, context), *out, *space,
                *integrator};
            const experiments::RnnTrainResult result = experiments::run_rnn_train(config, context);
            report_figures(*out);
            std::cout << experiments::format_rnn_train(result, *out);
          }};
}

}  // namespace netprobe::cli
