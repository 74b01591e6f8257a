#include "models/rnn_run.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "src/core/atomic_file.h"
#include "src/core/checkpoint.h"
#include "src/core/errors.h"
#include "src/core/seeding.h"
#include "src/core/version.h"
#include "src/train/trainer.h"

namespace fs = std::filesystem;

namespace netprobe::models {

core::Json RnnRunConfig::to_json() const {
  return {{"task", task},
          {"decay", decay},
          {"trials", trials},
          {"n", n},
          {"rank", rank},
          {"activation", to_string(activation)},
          {"dt", dt},
          {"steps", steps},
          {"eta", eta},
          {"optimizer", adam ? "adam" : "gd"},
          {"epochs", epochs},
          {"track_every", track_every},
          {"seed", seed}};
}

RnnRunConfig RnnRunConfig::from_json(const core::Json& json, const std::string& source) {
  try {
    RnnRunConfig c;
    c.task = json.at("task").get<std::string>();
    c.decay = json.at("decay").get<double>();
    c.trials = json.value("trials", int64_t{32});  // runs written before the random tasks existed
    c.n = json.at("n").get<int64_t>();
    c.rank = json.at("rank").get<int64_t>();
    c.activation = parse_rnn_activation(json.at("activation").get<std::string>());
    c.dt = json.at("dt").get<double>();
    c.steps = json.at("steps").get<int64_t>();
    c.eta = json.at("eta").get<double>();
    c.adam = json.at("optimizer").get<std::string>() == "adam";
    c.epochs = json.at("epochs").get<int>();
    c.track_every = json.at("track_every").get<int>();
    c.seed = json.at("seed").get<uint64_t>();
    c.validate();
    return c;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid RNN run config ({})", source, e.what()));
  }
}

RnnRun load_rnn_run(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw core::UsageError(fmt::format("--model: {}: not a directory", dir.string()));
  const fs::path meta_path = dir / "meta.json";
  if (!fs::exists(meta_path, ec)) {
    throw core::UsageError(fmt::format("--model: {}: not a netprobe run directory (no meta.json)", dir.string()));
  }
  const core::Json meta = core::read_json(meta_path);
  if (meta.value("kind", "") != "low-rank-rnn" || !meta.contains("config")) {
    throw core::UsageError(fmt::format("--model: {}: not a low-rank RNN run (use `netprobe rnn train`)", dir.string()));
  }
  RnnRun run;
  run.config = RnnRunConfig::from_json(meta["config"], meta_path.string());
  run.rnn = LowRankRnn(run.config.rnn_options());
  const fs::path weights = dir / "weights.pt";
  core::load_into(*run.rnn, core::load_tensors(weights), weights.string());
  return run;
}

void RnnRunConfig::validate() const {
  models::validate(rnn_options());
  task_data();  // unknown task, too few steps or trials: UsageError naming the option
  if (!(eta > 0)) throw core::UsageError(fmt::format("--eta: must be > 0, got {}", eta));
  if (epochs < 1) throw core::UsageError(fmt::format("--epochs: must be >= 1, got {}", epochs));
  if (track_every < 1) throw core::UsageError(fmt::format("--track-every: must be >= 1, got {}", track_every));
}

RnnTaskData RnnRunConfig::task_data() const {
  return make_rnn_task(task, decay, dt, steps, trials, seed);
}

LowRankRnnOptions RnnRunConfig::rnn_options() const {
  return LowRankRnnOptions(n, rank).activation(activation).dt(dt).steps(steps);
}

std::vector<OverlapRecord> train_rnn_on(LowRankRnn& rnn, const RnnTaskData& task, const RnnRunConfig& config,
                                        bool progress) {
  // GD at rate eta*N moves the overlaps at rate eta (LOWRANK.md); Adam uses eta as is.
  const double lr = config.adam ? config.eta : config.eta * static_cast<double>(rnn->options().n());
  train::Optimizer optimizer({{rnn->parameters(), 1.0}},
                             {config.adam ? train::OptimizerKind::kAdam : train::OptimizerKind::kSgd, lr});
  train::TensorDataSource source(task.inputs, task.targets, 0, 0, task.weights);
  const train::StepFn step = [&](const train::Batch& b) {
    train::StepOutput out;
    out.loss = rnn_loss(rnn->forward(b.inputs), b.targets, b.weights);
    return out;
  };
  train::TrainConfig tc;
  tc.epochs = config.epochs;
  tc.lr = lr;
  tc.schedule = train::LrScheduleKind::kConstant;
  tc.progress = progress;
  tc.label = fmt::format("rnn-{}-N{}", config.task, rnn->options().n());
  std::vector<OverlapRecord> records;
  {
    torch::NoGradGuard no_grad;
    records.push_back({0, rnn_loss(rnn->forward(task.inputs), task).item<double>(), overlap_matrix(rnn->vectors())});
  }
  train::fit(optimizer, source, step, tc, nullptr, {[&](const core::Json& r) {
               const int epoch = r.at("epoch").get<int>();
               if (epoch % config.track_every == 0 || epoch == config.epochs) {
                 records.push_back({epoch, r.at("loss").get<double>(), overlap_matrix(rnn->vectors().detach())});
               }
             }});
  return records;
}

std::vector<OverlapRecord> train_rnn(const RnnRunConfig& config, LowRankRnn& rnn, bool progress) {
  config.validate();
  rnn = LowRankRnn(config.rnn_options());
  at::Generator gen = core::make_generator(core::derive_seed(config.seed, {core::tag_of("rnn-init")}));
  rnn->init_random(gen);
  return train_rnn_on(rnn, config.task_data(), config, progress);
}

std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const RnnTaskData& task,
                                             const RnnRunConfig& config) {
  if (config.adam) {
    throw core::UsageError("--optimizer: the overlap theory follows gradient descent; Adam has no overlap-space map");
  }
  std::vector<OverlapRecord> records;
  torch::Tensor sigma = sigma0;
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    double loss = 0;
    const torch::Tensor e = overlap_gradient(sigma, task, config.rank, config.activation, config.dt, &loss);
    if (epoch == 0) records.push_back({0, loss, sigma});
    sigma = exact_map_step(sigma, e, config.eta);
    // Same convention as the simulation: epoch k holds the loss before step k, Sigma after it.
    if ((epoch + 1) % config.track_every == 0 || epoch + 1 == config.epochs) records.push_back({epoch + 1, loss, sigma});
  }
  return records;
}

std::string overlaps_csv(const std::vector<OverlapRecord>& records, int64_t rank) {
  const OverlapLayout layout{rank};
  std::string csv = "epoch,loss";
  for (const auto& name : layout.entry_names()) csv += "," + name;
  csv += "\n";
  for (const auto& r : records) {
    csv += fmt::format("{},{}", r.epoch, r.loss);
    const auto s = r.sigma.contiguous();
    for (int64_t a = 0; a < layout.size(); ++a)
      for (int64_t b = a; b < layout.size(); ++b) csv += fmt::format(",{}", s[a][b].item<double>());
    csv += "\n";
  }
  return csv;
}

core::Json train_rnn_run(const RnnRunConfig& config, const fs::path& out_dir, int threads, bool progress,
                         const RunExtras& extras) {
  config.validate();
  core::StagedDirectory staged(out_dir);
  const auto start = std::chrono::steady_clock::now();
  LowRankRnn rnn(config.rnn_options());
  const auto records = train_rnn(config, rnn, progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  core::JsonLinesWriter metrics(staged.staging() / "metrics.jsonl");
  for (const auto& r : records) metrics.write({{"epoch", r.epoch}, {"loss", r.loss}});
  core::save_tensors(staged.staging() / "weights.pt", core::parameters_of(*rnn));
  core::write_file_atomic(staged.staging() / "overlaps.csv", overlaps_csv(records, config.rank));
  core::write_json(staged.staging() / "config.json", config.to_json());
  const core::Json meta = {
      {"kind", "low-rank-rnn"},
      {"config", config.to_json()},
      {"initial_loss", records.front().loss},
      {"final_loss", records.back().loss},
      {"train_seconds", seconds},
      {"epochs_per_second", config.epochs / seconds},
      {"threads", threads},
      {"versions", {{"netprobe", core::version()}, {"git", core::git_revision()}, {"libtorch", core::torch_version()}}}};
  core::write_json(staged.staging() / "meta.json", meta);
  if (extras) extras(staged.staging(), records);
  staged.commit();
  return meta;
}

double max_keep_nan(double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b); }

TheoryComparison compare_with_theory(const RnnRunConfig& config) {
  LowRankRnn rnn(config.rnn_options());
  const auto sim = train_rnn(config, rnn, false);
  const auto theory = theory_trajectory(sim.front().sigma, config.task_data(), config);
  TheoryComparison out;
  out.n = config.n;
  for (size_t k = 1; k < std::min(sim.size(), theory.size()); ++k) {
    const torch::Tensor& s = sim[k].sigma;
    const double err = ((theory[k].sigma - s).abs().max() / s.abs().max()).item<double>();
    out.overlap_error_by_epoch.push_back(err);
    out.epochs.push_back(sim[k].epoch);
    out.max_overlap_error = max_keep_nan(out.max_overlap_error, err);
    out.max_loss_error = max_keep_nan(out.max_loss_error, std::abs(theory[k].loss - sim[k].loss) / std::abs(sim[k].loss));
  }
  const torch::Tensor before = flow_invariants(sim.front().sigma, config.rank);
  const torch::Tensor after = flow_invariants(sim.back().sigma, config.rank);
  out.invariant_drift = ((after - before).abs().max() / before.abs().max()).item<double>();
  return out;
}

}  // namespace netprobe::models
