// `netprobe rnn memory`: A -> B -> A, memory in the invisible overlaps (docs/LOWRANK.md).
#include <iostream>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/memory.h"

namespace netprobe::cli {

Command setup_rnn_memory(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand(
      "memory", "Train A, then B, then A again (or any phases); compare the invisible overlaps (per eta)");
  auto network = std::make_shared<experiments::RnnNetworkOptions>();
  auto first = std::make_shared<experiments::RnnTaskChoice>(), second = std::make_shared<experiments::RnnTaskChoice>();
  second->decay = 0.4;
  auto memory = std::make_shared<experiments::MemoryConfig>();
  add_task_options(cmd, *first, "-a", "Task A");
  add_task_options(cmd, *second, "-b", "Task B");
  add_network_options(cmd, *network);
  add_size_option(cmd, *network);
  cmd->add_option("--epochs-a", memory->epochs_a, "Epochs of the first A phase (at the first eta)")
      ->capture_default_str();
  cmd->add_option("--epochs-b", memory->epochs_b, "Epochs of the B phase")->capture_default_str();
  cmd->add_option("--epochs-a2", memory->epochs_a2, "Epochs of the second A phase")->capture_default_str();
  cmd->add_option_function<std::string>(
         "--phases", [memory](const std::string& text) { memory->phases = experiments::parse_memory_phases(text); },
         "Any sequence of phases instead of A, B, A: TASK:EPOCHS[:rate=R][:noise=S], comma-separated (rate: a multiple "
         "of eta; noise: s.d. of fresh noise on the targets), e.g. A:3000,B:1000,A:1000,B:1000,A:1000:rate=2:noise=0.1")
      ->excludes("--epochs-a")
      ->excludes("--epochs-b")
      ->excludes("--epochs-a2");
  cmd->add_option("--etas", memory->etas,
                  "Learning rates to compare; epochs scale so eta x epochs stays fixed "
                  "(default: --eta and --eta/2)")
      ->delimiter(',');
  cmd->add_option("--converge", memory->converge,
                  "Train each phase on until the overlaps move slower than this per unit of learning time "
                  "(eta x epochs), at most 20x its epochs, so every eta is compared at the same convergence (0: off)")
      ->capture_default_str();
  cmd->add_option("--out", memory->out, "Directory for memory.csv, trajectories, result.json and figures/")->required();
  return {cmd, [network, first, second, memory, &global] {
            const core::RunContext context = global.context();
            using experiments::TaskDefaults;
            memory->a = network->for_task(*first, {*first, *second}, TaskDefaults::kNetworkOnly, context);
            memory->b = network->for_task(*second, {*first, *second}, TaskDefaults::kNetworkOnly, context);
            const auto result = experiments::run_rnn_memory(*memory, context);
            report_figures(memory->out);
            std::cout << experiments::format_memory(*memory, result) << "-> " << memory->out.string() << "\n";
          }};
}

}  // namespace netprobe::cli
