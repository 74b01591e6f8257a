// `netprobe rnn twins`: perturbation by learning (docs/LOWRANK.md).
#include <iostream>

#include "cli/option_binding.h"
#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/twins.h"

namespace netprobe::cli {

Command setup_rnn_twins(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand(
      "twins",
      "Twins with equal visible and different invisible overlaps learning a new task (perturbation by learning)");
  auto network = std::make_shared<experiments::RnnNetworkOptions>();
  auto first = std::make_shared<experiments::RnnTaskChoice>(), second = std::make_shared<experiments::RnnTaskChoice>();
  second->decay = 0.4;
  auto twins = std::make_shared<experiments::TwinsConfig>();
  network->defaults.epochs = 1000;
  add_task_options(cmd, *first, "-a", "Task the original learns first");
  add_task_options(cmd, *second, "-b", "New task both twins learn");
  add_network_options(cmd, *network);
  add_size_option(cmd, *network);
  cmd->add_option("--pretrain-epochs", twins->pretrain_epochs, "Epochs on task A before twinning (0: random init)")
      ->capture_default_str();
  add_epochs_option(cmd, *network, "Epochs on task B");
  add_choice<models::TwinConstruction>(
      cmd, "--construction", twins->construction, models::parse_twin_construction, "authors (linear), stretch",
      "authors: |u|^2 and sigma_mu changed, v re-solved; stretch: C -> [PA | P^-T B] (default: authors for linear, "
      "stretch for tanh/erf_s)");
  cmd->add_option("--stretch", twins->stretch, "authors: factor on |u|^2; stretch: s of P = I + (s-1) q q^T")
      ->capture_default_str();
  cmd->add_option("--u-norm", twins->u_norm, "authors: set every |u_j|^2/N to this instead of scaling by --stretch");
  auto* mu_target = cmd->add_option("--mu-target", twins->mu_target,
                                    "authors: set every sigma_{m u_j} to this (the authors' absolute target)")
                        ->default_str("0.8");
  cmd->add_option_function<double>(
         "--mu-shift",
         [twins](double shift) {
           twins->mu_shift = shift;
           twins->mu_target.reset();
         },
         "authors: shift every sigma_{m u_j} by this instead of setting it (netprobe-v1's twin: 0.3)")
      ->excludes(mu_target);
  cmd->add_option("--out", twins->out, "Directory for twins.csv, overlaps, result.json and figures/")->required();
  return {cmd, [network, first, second, twins, &global] {
            const core::RunContext context = global.context();
            using experiments::TaskDefaults;
            twins->first = network->for_task(*first, {*first, *second}, TaskDefaults::kNetworkOnly, context);
            twins->second = network->for_task(*second, {*first, *second}, TaskDefaults::kNetworkOnly, context);
            const experiments::TwinsResult r = experiments::run_rnn_twins(*twins, context);
            report_figures(twins->out);
            std::cout << experiments::format_twins(*twins, r) << "-> " << twins->out.string() << "\n";
          }};
}

}  // namespace netprobe::cli
