#include "src/cli/cmd_rnn.h"

#include <fmt/format.h>

#include "src/core/atomic_file.h"
#include "src/core/errors.h"

namespace netprobe::cli {
namespace {

// Options shared by both subcommands, parsed into a run config.
struct RawRnn {
  std::string task = "filter", activation = "linear", optimizer = "gd";
  models::RnnRunConfig run;
};

void add_run_options(CLI::App* cmd, RawRnn& raw) {
  cmd->add_option("--task", raw.task, "filter, oscillation (rank-2 target), flipflop or decision (masked MSE, --trials)")->capture_default_str();
  cmd->add_option("--decay", raw.run.decay, "c of the filter target exp(-c t)")->capture_default_str();
  cmd->add_option("--trials", raw.run.trials, "Trials of the flipflop and decision tasks (one fixed full batch)")
      ->capture_default_str();
  cmd->add_option("--rank", raw.run.rank, "Rank R")->capture_default_str();
  cmd->add_option("--activation", raw.activation, "linear, tanh or erf_s")->capture_default_str();
  cmd->add_option("--dt", raw.run.dt, "Euler step")->capture_default_str();
  cmd->add_option("--steps", raw.run.steps, "Time steps T")->capture_default_str();
  cmd->add_option("--eta", raw.run.eta, "GD: overlaps move at rate eta (vectors at eta*N); Adam: its rate")
      ->capture_default_str();
  cmd->add_option("--optimizer", raw.optimizer, "gd or adam")->capture_default_str();
  cmd->add_option("--epochs", raw.run.epochs, "Full-batch epochs")->capture_default_str();
  cmd->add_option("--track-every", raw.run.track_every, "Record the overlaps every k epochs")->capture_default_str();
}

models::RnnRunConfig finish(const RawRnn& raw, uint64_t seed) {
  models::RnnRunConfig c = raw.run;
  c.task = raw.task;
  c.activation = models::parse_rnn_activation(raw.activation);
  if (raw.optimizer != "gd" && raw.optimizer != "adam") {
    throw core::UsageError(fmt::format("--optimizer: must be gd or adam, got '{}'", raw.optimizer));
  }
  c.adam = raw.optimizer == "adam";
  c.seed = seed;
  c.validate();
  return c;
}

}  // namespace

std::vector<Command> setup_rnn(CLI::App& app, const GlobalOptions& global) {
  CLI::App* rnn = app.add_subcommand("rnn", "Low-rank RNNs: training and learning in overlap space");
  rnn->require_subcommand(1);

  CLI::App* train = rnn->add_subcommand("train", "Train a low-rank RNN and record its overlaps");
  auto t = std::make_shared<RawRnn>();
  auto out = std::make_shared<std::string>();
  add_run_options(train, *t);
  train->add_option("--n", t->run.n, "Neurons N")->capture_default_str();
  train->add_option("--out", *out, "Run directory to write")->required();

  CLI::App* theory = rnn->add_subcommand("theory", "Full-N gradient descent against the overlap-space prediction");
  auto th = std::make_shared<RawRnn>();
  auto theory_options = std::make_shared<RnnTheoryOptions>();
  th->run.epochs = 200;
  add_run_options(theory, *th);
  theory->add_option("--n", theory_options->sizes, "Network sizes, e.g. 250,1000,4000")->delimiter(',');
  theory->add_option("--out", theory_options->out, "CSV of the overlap error along training");

  return {{train, [t, out, &global] {
             const models::RnnRunConfig c = finish(*t, global.seed);
             const core::Json meta = models::train_rnn_run(c, *out, torch::get_num_threads(), !global.quiet);
             std::cout << fmt::format("rnn {} N={} R={} {}: loss {:.4g} -> {:.4g} in {} epochs ({:.0f} epochs/s) -> {}\n",
                                      c.task, c.n, c.rank, models::to_string(c.activation),
                                      meta["initial_loss"].get<double>(), meta["final_loss"].get<double>(), c.epochs,
                                      meta["epochs_per_second"].get<double>(), *out);
           }},
          {theory, [th, theory_options, &global] {
             theory_options->run = finish(*th, global.seed);
             const auto results = run_rnn_theory(*theory_options);
             std::cout << fmt::format("{:>7} {:>18} {:>16} {:>18}\n", "N", "max overlap error", "max loss error",
                                      "invariant drift");
             for (const auto& r : results) {
               std::cout << fmt::format("{:>7} {:>18.3e} {:>16.3e} {:>18.3e}\n", r.n, r.max_overlap_error,
                                        r.max_loss_error, r.invariant_drift);
             }
           }}};
}

std::vector<models::TheoryComparison> run_rnn_theory(const RnnTheoryOptions& options) {
  if (options.sizes.empty()) throw core::UsageError("--n: need at least one network size");
  std::vector<models::TheoryComparison> results;
  std::string csv = "n,epoch,overlap_error\n";
  for (int64_t n : options.sizes) {
    models::RnnRunConfig c = options.run;
    c.n = n;
    c.validate();
    results.push_back(models::compare_with_theory(c));
    const auto& r = results.back();
    for (size_t i = 0; i < r.epochs.size(); ++i) csv += fmt::format("{},{},{}\n", n, r.epochs[i], r.overlap_error_by_epoch[i]);
  }
  if (options.out) core::write_file_atomic(*options.out, csv);
  return results;
}

}  // namespace netprobe::cli
