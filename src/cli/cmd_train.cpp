#include "cli/cmd_train.h"

#include <iostream>

#include "cli/option_binding.h"
#include "experiments/train.h"

namespace netprobe::cli {

Command setup_train(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("train", "Train one classifier and write a run directory");
  auto c = std::make_shared<experiments::TrainConfig>();
  experiments::ClassifierRunConfig& run = c->run;
  run.task.dataset = "mnist";
  cmd->add_option("--dataset", run.task.dataset, "mnist or fashion-mnist")->capture_default_str();
  cmd->add_option("--classes", c->classes, "Classes, first = label 0: 7,9 or 3-1 or all")->required();
  add_choice<data::InputScale>(cmd, "--inputs", run.task.inputs, data::parse_input_scale, data::to_string,
                               "signed: pixels as (x/255 - 0.5)/0.5 in [-1, 1] (PROBES.md); unit: x/255 in [0, 1]");
  cmd->add_option("--hidden", run.hidden, "Hidden layer sizes, e.g. 64 or 256,128,64")
      ->delimiter(',')
      ->capture_default_str();
  add_choice<models::Activation>(cmd, "--activation", run.activation, models::parse_activation, models::to_string,
                                 "relu, tanh or sigmoid");
  cmd->add_option("--epochs", run.epochs, "Training epochs")->capture_default_str();
  cmd->add_option("--batch", run.batch, "Mini-batch size (0 = full batch)")->capture_default_str();
  cmd->add_option("--lr", run.lr, "Learning rate")->capture_default_str();
  add_choice<train::OptimizerKind>(cmd, "--optimizer", run.optimizer, train::parse_optimizer, train::to_string,
                                   "adam or sgd");
  add_choice<train::LrScheduleKind>(cmd, "--schedule", run.schedule, train::parse_lr_schedule, train::to_string,
                                    "cosine (per epoch) or constant");
  cmd->add_option("--out", c->out, "Run directory to write")->required();
  return {cmd, [c, &global] {
            std::cout << experiments::format_train(experiments::run_train(*c, global.context()), c->out);
          }};
}

}  // namespace netprobe::cli
