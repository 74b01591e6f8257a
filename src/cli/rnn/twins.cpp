// `netprobe rnn twins`: perturbation by learning (LOWRANK.md).
#include <fmt/format.h>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/twins.h"

namespace netprobe::cli {

Command setup_rnn_twins(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand(
      "twins",
      "Twins with equal visible and different invisible overlaps learning a new task (perturbation by learning)");
  auto net = std::make_shared<RawNetwork>();
  auto first = std::make_shared<RawTask>(), second = std::make_shared<RawTask>();
  second->decay = 0.4;
  auto twins = std::make_shared<experiments::TwinsConfig>();
  auto out = std::make_shared<std::string>();
  net->run.epochs = 1000;
  add_task_options(cmd, *first, "-a", "Task the original learns first");
  add_task_options(cmd, *second, "-b", "New task both twins learn");
  add_network_options(cmd, *net);
  cmd->add_option("--n", net->run.n, "Neurons N")->capture_default_str();
  cmd->add_option("--pretrain-epochs", twins->pretrain_epochs, "Epochs on task A before twinning (0: random init)")
      ->capture_default_str();
  cmd->add_option("--epochs", net->run.epochs, "Epochs on task B")->capture_default_str();
  auto construction = std::make_shared<std::string>();
  cmd->add_option("--construction", *construction,
                  "authors: |u|^2 and sigma_mu changed, v re-solved; stretch: C -> [PA | P^-T B] (default: authors "
                  "for linear, stretch for tanh/erf_s)");
  cmd->add_option("--stretch", twins->stretch, "authors: factor on |u|^2; stretch: s of P = I + (s-1) q q^T")
      ->capture_default_str();
  cmd->add_option("--mu-shift", twins->mu_shift, "authors: shift of sigma_mu")->capture_default_str();
  cmd->add_option("--out", *out, "Directory for twins.csv, overlaps, result.json and figures/")->required();
  return {cmd, [cmd, net, first, second, twins, out, construction, &global] {
            apply_task_defaults(cmd, *net, {first->name, second->name}, TaskDefaults::kNetworkOnly);
            if (!construction->empty()) twins->construction = models::parse_twin_construction(*construction);
            twins->first = finish(*net, *first, global.seed);
            twins->second = finish(*net, *second, global.seed);
            twins->out = *out;
            const experiments::TwinsResult r = experiments::run_twins(*twins, !global.quiet);
            report_figures(*out);
            std::cout << experiments::format_twins(*twins, r) << "-> " << *out << "\n";
          }};
}

}  // namespace netprobe::cli
