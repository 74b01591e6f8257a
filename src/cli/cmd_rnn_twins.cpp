// `netprobe rnn twins`: perturbation by learning (LOWRANK.md).
#include <fmt/format.h>

#include "models/rnn_twins.h"
#include "src/cli/cmd_rnn.h"
#include "src/cli/rnn_options.h"
#include "src/core/atomic_file.h"
#include "src/report/rnn_figures.h"

namespace netprobe::cli {

Command setup_rnn_twins(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand(
      "twins", "Twins with equal visible and different invisible overlaps learning a new task (perturbation by learning)");
  auto net = std::make_shared<RawNetwork>();
  auto first = std::make_shared<RawTask>(), second = std::make_shared<RawTask>();
  second->decay = 0.4;
  auto twins = std::make_shared<models::TwinsConfig>();
  auto out = std::make_shared<std::string>();
  net->run.epochs = 1000;
  add_task_options(cmd, *first, "-a", "Task the original learns first");
  add_task_options(cmd, *second, "-b", "New task both twins learn");
  add_network_options(cmd, *net);
  cmd->add_option("--n", net->run.n, "Neurons N")->capture_default_str();
  cmd->add_option("--pretrain-epochs", twins->pretrain_epochs, "Epochs on task A before twinning (0: random init)")
      ->capture_default_str();
  cmd->add_option("--epochs", net->run.epochs, "Epochs on task B")->capture_default_str();
  cmd->add_option("--stretch", twins->stretch, "s of the twinning map P = I + (s-1) q q^T")->capture_default_str();
  cmd->add_option("--out", *out, "Directory for twins.csv, overlaps, summary.json and figures/")->required();
  return {cmd, [net, first, second, twins, out, &global] {
            twins->first = finish(*net, *first, global.seed);
            twins->second = finish(*net, *second, global.seed);
            twins->validate();
            core::StagedDirectory staged(*out);
            const models::TwinsResult r = models::run_twins(*twins, !global.quiet);
            std::string csv = "epoch,loss,loss_twin,theory,theory_twin\n";
            for (size_t k = 0; k < r.original.size(); ++k) {
              csv += fmt::format("{},{},{},{},{}\n", r.original[k].epoch, r.original[k].loss, r.twin[k].loss,
                                 r.original_theory[k].loss, r.twin_theory[k].loss);
            }
            const int64_t rank = twins->first.rank;
            core::write_file_atomic(staged.staging() / "twins.csv", csv);
            core::write_file_atomic(staged.staging() / "overlaps_original.csv", models::overlaps_csv(r.original, rank));
            core::write_file_atomic(staged.staging() / "overlaps_twin.csv", models::overlaps_csv(r.twin, rank));
            const core::Json summary = {{"task_a", twins->first.to_json()},
                                        {"task_b", twins->second.to_json()},
                                        {"pretrain_epochs", twins->pretrain_epochs},
                                        {"stretch", twins->stretch},
                                        {"output_gap_before", r.output_gap},
                                        {"output_gap_before_theory", r.output_gap_theory},
                                        {"visible_change", r.visible_change},
                                        {"invisible_change", r.invisible_change},
                                        {"max_loss_curve_gap", r.max_curve_gap},
                                        {"final_loss", r.final_loss},
                                        {"final_loss_twin", r.final_loss_twin},
                                        {"max_theory_loss_error", r.theory_error}};
            core::write_json(staged.staging() / "summary.json", summary);
            write_figures(staged.staging(), report::rnn_twins_figures(r, rank, twins->first.activation));
            staged.commit();
            std::cout << fmt::format(
                "twins ({} N={} R={}): invisible overlaps differ by {:.3g} (visible {:.1e}); outputs before learning "
                "differ by {:.2e}\n  learning {}: loss curves differ by up to {:.1f}%, final {:.4g} vs {:.4g}; "
                "theory matches simulation to {:.2e} -> {}\n",
                models::to_string(twins->first.activation), twins->first.n, rank, r.invisible_change, r.visible_change,
                r.output_gap, twins->second.task, 100 * r.max_curve_gap, r.final_loss, r.final_loss_twin,
                r.theory_error, *out);
          }};
}

}  // namespace netprobe::cli
