#include "cli/rnn/cmd_rnn.h"

#include <cmath>

#include <fmt/format.h>

#include "cli/rnn/options.h"
#include "experiments/rnn/theory.h"

namespace netprobe::cli {

std::vector<Command> setup_rnn(CLI::App& app, const GlobalOptions& global) {
  CLI::App* rnn = app.add_subcommand("rnn", "Low-rank RNNs: training and learning in overlap space");
  rnn->require_subcommand(1);
  return {setup_rnn_train(rnn, global),  setup_rnn_theory(rnn, global), setup_rnn_twins(rnn, global),
          setup_rnn_memory(rnn, global), setup_rnn_probe(rnn, global),  setup_rnn_decode(rnn, global)};
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
  return {cmd, [cmd, net, task, out, &global] {
            apply_task_defaults(cmd, *net, {task->name}, TaskDefaults::kWithEpochs);
            const experiments::RnnRunConfig c = finish(*net, *task, global.seed);
            const auto r = experiments::train_rnn_run(c, *out, torch::get_num_threads(), !global.quiet);
            report_figures(*out);
            std::cout << fmt::format(
                "rnn {} N={} R={} {}: loss {:.4g} -> {:.4g} in {} epochs ({:.0f} epochs/s) -> {}\n", c.task, c.n,
                c.rank, models::to_string(c.activation), r.initial_loss(), r.final_loss(), c.epochs,
                r.meta["epochs_per_second"].get<double>(), *out);
            if (r.meta["held_out"].is_object()) {
              const auto& h = r.meta["held_out"];
              std::cout << fmt::format("held-out loss on {} fresh trials: {:.4g} (a network that outputs 0: {:.4g})\n",
                                       h["trials"].get<int64_t>(), h["loss"].get<double>(),
                                       h["zero_output_loss"].get<double>());
            }
            std::string drifts;
            for (const auto& [name, drift] : r.meta["invariant_drift"].items()) {
              drifts += fmt::format("{}{} {:.2e}", drifts.empty() ? "" : ", ", name, drift.get<double>());
            }
            std::cout << fmt::format("drift of what gradient flow conserves ({}, relative to max |Sigma_0|): {}\n",
                                     c.is_gd() ? "GD keeps it to O(eta^2) per step" : "Adam does not keep it", drifts);
          }};
}

Command setup_rnn_theory(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("theory", "Full-N gradient descent against the overlap-space prediction");
  auto net = std::make_shared<RawNetwork>();
  auto task = std::make_shared<RawTask>();
  auto sizes = std::make_shared<std::vector<int64_t>>(std::vector<int64_t>{250, 1000});
  auto out = std::make_shared<std::string>();
  auto integrator = std::make_shared<std::string>("map");
  net->run.epochs = 200;
  add_task_options(cmd, *task, "", "Task");
  add_network_options(cmd, *net);
  cmd->add_option("--n", *sizes, "Network sizes, e.g. 250,1000,4000")->delimiter(',')->capture_default_str();
  cmd->add_option("--epochs", net->run.epochs, "Full-batch epochs")->capture_default_str();
  cmd->add_option("--integrator", *integrator,
                  "The prediction: map (GD's exact discrete map), euler or rk4 (gradient flow, O(eta) from GD)")
      ->capture_default_str();
  cmd->add_option("--out", *out, "Directory for theory.csv, result.json and figures/");
  return {cmd, [net, task, sizes, out, integrator, &global] {
            experiments::TheoryConfig config;
            config.base = finish(*net, *task, global.seed);
            config.integrator = models::parse_integrator(*integrator);
            config.sizes = *sizes;
            config.out = *out;
            config.progress = !global.quiet;
            config.validate();
            std::cout << experiments::theory_table_header(config.base.activation) << std::flush;
            const auto result = experiments::run_rnn_theory(config, [](const experiments::TheoryComparison& c) {
              std::cout << experiments::theory_table_line(c) << std::flush;
            });
            const double slope = experiments::first_step_error_slope(result.comparisons);
            if (!std::isnan(slope) && config.base.activation != models::RnnActivation::kLinear) {
              std::cout << fmt::format("first-step error ~ N^{:.2f} (the Gaussian closure's error falls like N^-0.5)\n",
                                       slope);
            }
            if (!out->empty()) report_figures(*out);
          }};
}

}  // namespace netprobe::cli
