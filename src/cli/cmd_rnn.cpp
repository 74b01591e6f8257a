#include "src/cli/cmd_rnn.h"

#include <fmt/format.h>

#include "src/cli/rnn_options.h"
#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/report/rnn_figures.h"

namespace netprobe::cli {

std::vector<Command> setup_rnn(CLI::App& app, const GlobalOptions& global) {
  CLI::App* rnn = app.add_subcommand("rnn", "Low-rank RNNs: training and learning in overlap space");
  rnn->require_subcommand(1);
  return {setup_rnn_train(rnn, global), setup_rnn_theory(rnn, global), setup_rnn_twins(rnn, global),
          setup_rnn_memory(rnn, global), setup_rnn_probe(rnn, global)};
}

Command setup_rnn_train(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("train", "Train a low-rank RNN and record its overlaps");
  auto net = std::make_shared<RawNetwork>();
  auto task = std::make_shared<RawTask>();
  auto out = std::make_shared<std::string>();
  add_task_options(cmd, *task, "", "Task");
  add_network_options(cmd, *net);
  cmd->add_option("--n", net->run.n, "Neurons N")->capture_default_str();
  cmd->add_option("--epochs", net->run.epochs, "Full-batch epochs")->capture_default_str();
  cmd->add_option("--out", *out, "Run directory to write")->required();
  return {cmd, [net, task, out, &global] {
            const models::RnnRunConfig c = finish(*net, *task, global.seed);
            const auto figures = [&c](const std::filesystem::path& staging, const std::vector<models::OverlapRecord>& r) {
              write_figures(staging, report::rnn_training_figures(r, c.rank, c.activation));
            };
            const core::Json meta = models::train_rnn_run(c, *out, torch::get_num_threads(), !global.quiet, figures);
            std::cout << fmt::format("rnn {} N={} R={} {}: loss {:.4g} -> {:.4g} in {} epochs ({:.0f} epochs/s) -> {}\n",
                                     c.task, c.n, c.rank, models::to_string(c.activation),
                                     meta["initial_loss"].get<double>(), meta["final_loss"].get<double>(), c.epochs,
                                     meta["epochs_per_second"].get<double>(), *out);
          }};
}

Command setup_rnn_theory(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("theory", "Full-N gradient descent against the overlap-space prediction");
  auto net = std::make_shared<RawNetwork>();
  auto task = std::make_shared<RawTask>();
  auto sizes = std::make_shared<std::vector<int64_t>>(std::vector<int64_t>{250, 1000});
  auto out = std::make_shared<std::string>();
  net->run.epochs = 200;
  add_task_options(cmd, *task, "", "Task");
  add_network_options(cmd, *net);
  cmd->add_option("--n", *sizes, "Network sizes, e.g. 250,1000,4000")->delimiter(',')->capture_default_str();
  cmd->add_option("--epochs", net->run.epochs, "Full-batch epochs")->capture_default_str();
  cmd->add_option("--out", *out, "Directory for theory.csv, summary.json and figures/");
  return {cmd, [net, task, sizes, out, &global] {
            const models::RnnRunConfig base = finish(*net, *task, global.seed);
            if (base.adam) throw core::UsageError("--optimizer: the overlap theory follows GD; use gd");
            if (sizes->empty()) throw core::UsageError("--n: need at least one network size");
            for (int64_t n : *sizes) {
              models::RnnRunConfig c = base;
              c.n = n;
              c.validate();
            }
            std::optional<core::StagedDirectory> staged;
            if (!out->empty()) staged.emplace(*out);
            std::vector<models::TheoryComparison> results;
            std::string csv = "n,epoch,overlap_error\n";
            core::Json summary = core::Json::array();
            std::cout << fmt::format("{:>7} {:>18} {:>16} {:>18}\n", "N", "max overlap error", "max loss error",
                                     "invariant drift");
            for (int64_t n : *sizes) {
              models::RnnRunConfig c = base;
              c.n = n;
              const auto& r = results.emplace_back(models::compare_with_theory(c));
              for (size_t i = 0; i < r.epochs.size(); ++i) {
                csv += fmt::format("{},{},{}\n", n, r.epochs[i], r.overlap_error_by_epoch[i]);
              }
              summary.push_back({{"n", n},
                                 {"max_overlap_error", r.max_overlap_error},
                                 {"max_loss_error", r.max_loss_error},
                                 {"invariant_drift", r.invariant_drift}});
              std::cout << fmt::format("{:>7} {:>18.3e} {:>16.3e} {:>18.3e}\n", r.n, r.max_overlap_error,
                                       r.max_loss_error, r.invariant_drift)
                        << std::flush;
            }
            if (!staged) return;
            core::write_file_atomic(staged->staging() / "theory.csv", csv);
            core::write_json(staged->staging() / "summary.json", {{"config", base.to_json()}, {"results", summary}});
            write_figures(staged->staging(), {report::rnn_theory_figure(results)});
            staged->commit();
          }};
}

}  // namespace netprobe::cli
