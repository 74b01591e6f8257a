// `netprobe rnn memory`: A -> B -> A, memory in the invisible overlaps (LOWRANK.md).
#include <fmt/format.h>

#include "models/rnn_memory.h"
#include "src/cli/cmd_rnn.h"
#include "src/cli/rnn_options.h"
#include "src/core/atomic_file.h"
#include "src/report/rnn_figures.h"

namespace netprobe::cli {

Command setup_rnn_memory(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("memory", "Train A, then B, then A again; compare the invisible overlaps (per eta)");
  auto net = std::make_shared<RawNetwork>();
  auto first = std::make_shared<RawTask>(), second = std::make_shared<RawTask>();
  second->decay = 0.4;
  auto memory = std::make_shared<models::MemoryConfig>();
  auto etas = std::make_shared<std::vector<double>>();
  auto out = std::make_shared<std::string>();
  add_task_options(cmd, *first, "-a", "Task A");
  add_task_options(cmd, *second, "-b", "Task B");
  add_network_options(cmd, *net);
  cmd->add_option("--n", net->run.n, "Neurons N")->capture_default_str();
  cmd->add_option("--epochs-a", memory->epochs_a, "Epochs of the first A phase (at the first eta)")->capture_default_str();
  cmd->add_option("--epochs-b", memory->epochs_b, "Epochs of the B phase")->capture_default_str();
  cmd->add_option("--epochs-a2", memory->epochs_a2, "Epochs of the second A phase")->capture_default_str();
  cmd->add_option("--etas", *etas, "Learning rates to compare; epochs scale so eta x epochs stays fixed "
                                   "(default: --eta and --eta/2)")->delimiter(',');
  cmd->add_option("--out", *out, "Directory for memory.csv, trajectories, summary.json and figures/")->required();
  return {cmd, [net, first, second, memory, etas, out, &global] {
            memory->a = finish(*net, *first, global.seed);
            memory->b = finish(*net, *second, global.seed);
            memory->etas = etas->empty() ? std::vector<double>{memory->a.eta, memory->a.eta / 2} : *etas;
            memory->validate();
            core::StagedDirectory staged(*out);
            const auto runs = models::run_memory(*memory, !global.quiet);
            const int64_t rank = memory->a.rank;
            std::string csv = "eta,epochs_a,epochs_b,epochs_a2,loss_a,loss_a_after_b,loss_b,loss_a2,invisible_residual,"
                              "visible_residual,invisible_moved_by_b\n";
            core::Json results = core::Json::array();
            std::cout << fmt::format("memory ({} N={} R={}): {} -> {} -> {}\n", models::to_string(memory->a.activation),
                                     memory->a.n, rank, memory->a.task, memory->b.task, memory->a.task);
            std::cout << fmt::format("{:>10} {:>12} {:>12} {:>12} {:>19} {:>17} {:>16}\n", "eta", "loss A", "A after B",
                                     "loss A again", "invisible residual", "visible residual", "moved by B");
            for (size_t i = 0; i < runs.size(); ++i) {
              const auto& r = runs[i];
              csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", r.eta, r.epochs_a, r.epochs_b, r.epochs_a2,
                                 r.loss_a, r.loss_a_after_b, r.loss_b, r.loss_a2, r.invisible_residual,
                                 r.visible_residual, r.invisible_moved);
              core::write_file_atomic(staged.staging() / fmt::format("trajectory_eta{}.csv", i),
                                      models::overlaps_csv(r.trajectory, rank));
              results.push_back({{"eta", r.eta},
                                 {"invisible_residual", r.invisible_residual},
                                 {"visible_residual", r.visible_residual},
                                 {"invisible_moved_by_b", r.invisible_moved},
                                 {"loss_a", r.loss_a},
                                 {"loss_a2", r.loss_a2}});
              std::cout << fmt::format("{:>10.4g} {:>12.3e} {:>12.3e} {:>12.3e} {:>19.3e} {:>17.3e} {:>16.3e}\n", r.eta,
                                       r.loss_a, r.loss_a_after_b, r.loss_a2, r.invisible_residual, r.visible_residual,
                                       r.invisible_moved);
            }
            for (size_t i = 1; i < runs.size(); ++i) {
              std::cout << fmt::format("residual ratio eta={:g} / eta={:g}: {:.2f}\n", runs[i - 1].eta, runs[i].eta,
                                       runs[i - 1].invisible_residual / runs[i].invisible_residual);
            }
            core::write_file_atomic(staged.staging() / "memory.csv", csv);
            core::write_json(staged.staging() / "summary.json",
                             {{"task_a", memory->a.to_json()}, {"task_b", memory->b.to_json()}, {"runs", results}});
            write_figures(staged.staging(), report::rnn_memory_figures(runs, rank, memory->a.activation));
            staged.commit();
            std::cout << "-> " << *out << "\n";
          }};
}

}  // namespace netprobe::cli
