// `netprobe rnn memory`: A -> B -> A, memory in the invisible overlaps (LOWRANK.md).
#include <fmt/format.h>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/memory.h"

namespace netprobe::cli {

Command setup_rnn_memory(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd =
      rnn->add_subcommand("memory", "Train A, then B, then A again; compare the invisible overlaps (per eta)");
  auto net = std::make_shared<RawNetwork>();
  auto first = std::make_shared<RawTask>(), second = std::make_shared<RawTask>();
  second->decay = 0.4;
  auto memory = std::make_shared<experiments::MemoryConfig>();
  auto etas = std::make_shared<std::vector<double>>();
  auto out = std::make_shared<std::string>();
  add_task_options(cmd, *first, "-a", "Task A");
  add_task_options(cmd, *second, "-b", "Task B");
  add_network_options(cmd, *net);
  cmd->add_option("--n", net->run.n, "Neurons N")->capture_default_str();
  cmd->add_option("--epochs-a", memory->epochs_a, "Epochs of the first A phase (at the first eta)")
      ->capture_default_str();
  cmd->add_option("--epochs-b", memory->epochs_b, "Epochs of the B phase")->capture_default_str();
  cmd->add_option("--epochs-a2", memory->epochs_a2, "Epochs of the second A phase")->capture_default_str();
  cmd->add_option("--etas", *etas,
                  "Learning rates to compare; epochs scale so eta x epochs stays fixed "
                  "(default: --eta and --eta/2)")
      ->delimiter(',');
  cmd->add_option("--converge", memory->converge,
                  "Train each phase on until the overlaps move slower than this per unit of learning time "
                  "(eta x epochs), at most 20x its epochs, so every eta is compared at the same convergence (0: off)")
      ->capture_default_str();
  cmd->add_option("--out", *out, "Directory for memory.csv, trajectories, result.json and figures/")->required();
  return {cmd, [cmd, net, first, second, memory, etas, out, &global] {
            apply_task_defaults(cmd, *net, {first->name, second->name}, TaskDefaults::kNetworkOnly);
            memory->a = finish(*net, *first, global.seed);
            memory->b = finish(*net, *second, global.seed);
            memory->etas = etas->empty() ? std::vector<double>{memory->a.eta, memory->a.eta / 2} : *etas;
            memory->out = *out;
            const auto result = experiments::run_memory(*memory, !global.quiet);
            report_figures(*out);
            std::cout << experiments::format_memory(*memory, result) << "-> " << *out << "\n";
          }};
}

}  // namespace netprobe::cli
