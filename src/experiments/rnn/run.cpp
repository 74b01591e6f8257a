#include "experiments/rnn/run.h"

#include <chrono>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/checkpoint.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/seeding.h"
#include "experiments/rnn/task_params.h"
#include "models/rnn/visible_flow.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

namespace netprobe::experiments {

using models::LowRankRnn;
using models::OverlapRecord;
using models::RnnTaskData;

train::OptimizerKind parse_rnn_optimizer(const std::string& name) {
  if (name == "gd" || name == "sgd") return train::OptimizerKind::kSgd;
  if (name == "adam") return train::OptimizerKind::kAdam;
  throw core::UsageError(fmt::format("--optimizer: must be gd or adam, got '{}'", name));
}

std::string rnn_optimizer_name(train::OptimizerKind kind) { return kind == train::OptimizerKind::kSgd ? "gd" : "adam"; }

std::optional<RnnTaskDefaults> rnn_task_defaults(const std::string& task, const models::RnnTaskParams& params) {
  // Flip-flop: the authors' N, dt and 20 time units (netprobe-v1's gapped first pulse: 50, about
  // 6 pulses); at eta 0.5 GD leaves the initial saddle within the default epochs, at the authors'
  // 0.05 it takes several times more (README, measured).
  if (task == "flipflop") {
    const int64_t steps = params.flipflop.first_pulse ? 800 : 2000;
    return RnnTaskDefaults{1000, models::RnnActivation::kTanh, 0.025, steps, 10, 0.5, 400};
  }
  // Teacher: the student learns the erf_s teacher's output over the decision task's 20 time units.
  if (task == "teacher") return RnnTaskDefaults{1000, models::RnnActivation::kErfS, 0.05, 400, 10, 0.2, 3000};
  // Decision: the authors' 20 time units (1 / 9 / 1 / 9) at dt 0.05; with 10 trials an epoch's
  // gradient is too noisy to settle, 50 trials at eta 0.1 learn it (README).
  if (task == "decision") return RnnTaskDefaults{1000, models::RnnActivation::kTanh, 0.05, 400, 50, 0.1, 2000};
  return std::nullopt;
}

namespace {

// Size, N, symmetry and positive definiteness of a prescribed Sigma0 (UsageError naming the option).
void check_init_overlaps(const RnnRunConfig& c) {
  const auto& init_overlaps = c.init_overlaps;
  const int64_t rank = c.rank, n = c.n;
  const int64_t k = 2 * rank + 2;
  if (static_cast<int64_t>(init_overlaps.size()) != k * k) {
    throw core::UsageError(fmt::format("--init-overlaps: a rank-{} network needs a {}x{} matrix ({} numbers), got {}",
                                       rank, k, k, k * k, init_overlaps.size()));
  }
  if (n < k) throw core::UsageError(fmt::format("--n: need N >= {} to realize a {}x{} overlap matrix", k, k, k));
  const torch::Tensor sigma = c.init_overlap_matrix();
  const double asymmetry = (sigma - sigma.t()).abs().max().item<double>();
  if (!(asymmetry <= 1e-12 * std::max(1.0, sigma.abs().max().item<double>()))) {
    throw core::UsageError(fmt::format("--init-overlaps: not symmetric (largest |S_ab - S_ba| = {:.3g})", asymmetry));
  }
  if (std::get<1>(torch::linalg_cholesky_ex(sigma)).item<int64_t>() != 0) {
    throw core::UsageError("--init-overlaps: not positive definite (no N vectors have these overlaps)");
  }
}

}  // namespace

core::Json RnnRunConfig::to_json() const {
  core::Json j = {{"task", task},
                  {"decay", decay},
                  {"task_params", task_params_to_json(task_params)},
                  {"target_noise", target_noise},
                  {"trials", trials},
                  {"fresh_trials", fresh_trials},
                  {"n", n},
                  {"rank", rank},
                  {"activation", models::to_string(activation)},
                  {"dt", dt},
                  {"steps", steps},
                  {"eta", eta},
                  {"optimizer", rnn_optimizer_name(optimizer)},
                  {"epochs", epochs},
                  {"track_every", track_every},
                  {"seed", seed}};
  if (!init_overlaps.empty()) j["init_overlaps"] = init_overlaps;  // absent: random init, as before
  if (balanced_init) j["balanced_init"] = true;
  return j;
}

RnnRunConfig RnnRunConfig::from_json(const core::Json& json, const std::string& source) {
  try {
    RnnRunConfig c;
    c.task = json.at("task").get<std::string>();
    c.decay = json.at("decay").get<double>();
    // Runs written before the task parameters existed used netprobe-v1's definitions.
    c.task_params = json.contains("task_params") ? task_params_from_json(json.at("task_params"))
                                                 : models::RnnTaskParams::netprobe_v1();
    c.target_noise = json.value("target_noise", 0.0);
    c.trials = json.value("trials", int64_t{32});        // runs written before the random tasks existed
    c.fresh_trials = json.value("fresh_trials", false);  // runs written before fresh trials: one fixed batch
    c.n = json.at("n").get<int64_t>();
    c.rank = json.at("rank").get<int64_t>();
    c.activation = models::parse_rnn_activation(json.at("activation").get<std::string>());
    c.dt = json.at("dt").get<double>();
    c.steps = json.at("steps").get<int64_t>();
    c.eta = json.at("eta").get<double>();
    c.optimizer = parse_rnn_optimizer(json.at("optimizer").get<std::string>());
    c.epochs = json.at("epochs").get<int>();
    c.track_every = json.at("track_every").get<int>();
    c.seed = json.at("seed").get<uint64_t>();
    c.init_overlaps = json.value("init_overlaps", std::vector<double>{});
    c.balanced_init = json.value("balanced_init", false);
    c.validate();
    return c;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid RNN run config ({})", source, e.what()));
  }
}

void RnnRunConfig::validate() const {
  models::validate(rnn_options());
  task_params.validate();
  if (!(target_noise >= 0 && std::isfinite(target_noise))) {
    throw core::UsageError(fmt::format("--phases: target noise must be >= 0, got {}", target_noise));
  }
  const RnnTaskData data = task_data();  // unknown task, too few steps or trials: UsageError naming the option
  if (!(eta > 0)) throw core::UsageError(fmt::format("--eta: must be > 0, got {}", eta));
  if (epochs < 1) throw core::UsageError(fmt::format("--epochs: must be >= 1, got {}", epochs));
  if (track_every < 1) throw core::UsageError(fmt::format("--track-every: must be >= 1, got {}", track_every));
  if (!init_overlaps.empty()) check_init_overlaps(*this);
  if (balanced_init && !init_overlaps.empty()) {
    throw core::UsageError("--balanced-init: not with --init-overlaps (two different starts)");
  }
  // What is surely allocated (float64): the 2R+2 vectors with their gradients and optimizer
  // state, and the states h_t and phi(h_t) of every trial and step that the fused kernel keeps
  // for backpropagation through time.
  const double vectors = static_cast<double>(n) * static_cast<double>(2 * rank + 2) * 4;
  const double states =
      2 * static_cast<double>(n) * static_cast<double>(data.inputs.size(0)) * static_cast<double>(steps + 1);
  core::check_memory(
      (vectors + states) * sizeof(double),
      fmt::format("--n: a rank-{} network of N = {} over {} trial(s) x {} steps", rank, n, data.inputs.size(0), steps));
}

torch::Tensor RnnRunConfig::init_overlap_matrix() const {
  const int64_t k = 2 * rank + 2;
  return torch::tensor(init_overlaps, torch::kFloat64).reshape({k, k});
}

bool RnnRunConfig::same_network(const RnnRunConfig& o) const {
  return n == o.n && rank == o.rank && activation == o.activation && dt == o.dt && steps == o.steps;
}

std::string RnnRunConfig::label() const {
  return fmt::format("{}, N={}, R={}, {}", task_label(), n, rank, models::to_string(activation));
}

std::string RnnRunConfig::task_label() const { return task == "filter" ? fmt::format("filter c={:g}", decay) : task; }

bool RnnRunConfig::random_task() const { return models::is_random_task(task); }

RnnTaskData RnnRunConfig::task_data(int epoch) const {
  const auto at = static_cast<uint64_t>(epoch);
  const uint64_t trials_seed =
      random_task() && fresh_trials ? core::derive_seed(seed, {core::tag_of("epoch-trials"), at}) : seed;
  RnnTaskData data =
      models::make_rnn_task(task, decay, dt, steps, trials, trials_seed, models::readout_lag(activation), task_params);
  if (target_noise > 0) {
    at::Generator gen = core::make_generator(core::derive_seed(seed, {core::tag_of("target-noise"), at}));
    data.targets = data.targets + target_noise * torch::randn(data.targets.sizes(), gen, data.targets.options());
  }
  return data;
}

RnnTaskData RnnRunConfig::held_out_task() const {
  constexpr int64_t kHeldOutTrials = 200;
  return models::make_rnn_task(task, decay, dt, steps, kHeldOutTrials,
                               core::derive_seed(seed, {core::tag_of("held-out")}), models::readout_lag(activation),
                               task_params);
}

models::LowRankRnnOptions RnnRunConfig::rnn_options() const {
  return models::LowRankRnnOptions(n, rank).activation(activation).dt(dt).steps(steps);
}

std::vector<OverlapRecord> train_rnn_on(LowRankRnn& rnn, const RnnTaskData& task, const RnnRunConfig& config,
                                        bool progress, int first_epoch) {
  // GD at rate eta*N moves the overlaps at rate eta (LOWRANK.md); Adam uses eta as is.
  const double lr = config.is_gd() ? config.eta * static_cast<double>(rnn->options().n()) : config.eta;
  train::Optimizer optimizer({{rnn->parameters(), 1.0}}, {config.optimizer, lr});
  // Fresh trials each epoch for a random task, else the one fixed batch.
  const bool fresh = config.draws_fresh_trials();
  train::GeneratedDataSource source(
      [&](int epoch) {
        const int at = first_epoch + epoch;
        const RnnTaskData d = fresh && at > 0 ? config.task_data(at) : task;
        return train::Batch{d.inputs, d.targets, d.weights};
      },
      task.inputs.size(0));
  const train::StepFn step = [&](const train::Batch& b) {
    train::StepOutput out;
    out.loss = models::rnn_loss(rnn->forward(b.inputs), b.targets, b.weights);
    return out;
  };
  train::TrainConfig tc;
  tc.epochs = config.epochs;
  tc.schedule = train::LrScheduleKind::kConstant;
  tc.progress = progress;
  tc.label = fmt::format("rnn-{}-N{}", config.task, rnn->options().n());
  // Record k holds the overlaps after k updates and the loss of those same parameters. The loss an
  // epoch reports is of its parameters before its update, so epoch k + 1 reports record k's; the
  // last record's loss is evaluated once more at the end (on the trials epoch k + 1 would draw).
  std::vector<OverlapRecord> records{{0, std::nan(""), models::overlap_matrix(rnn->vectors().detach())}};
  train::fit(optimizer, source, step, tc, nullptr, {[&](const core::Json& r) {
               const int epoch = r.at("epoch").get<int>();
               if (records.back().epoch == epoch - 1) records.back().loss = r.at("loss").get<double>();
               if (epoch % config.track_every == 0 || epoch == config.epochs) {
                 records.push_back({epoch, std::nan(""), models::overlap_matrix(rnn->vectors().detach())});
               }
             }});
  torch::NoGradGuard no_grad;
  const int next = first_epoch + config.epochs;
  const RnnTaskData last = fresh && next > 0 ? config.task_data(next) : task;
  records.back().loss = models::rnn_loss(rnn->forward(last.inputs), last).item<double>();
  return records;
}

LowRankRnn init_rnn(const RnnRunConfig& config) {
  LowRankRnn rnn(config.rnn_options());
  at::Generator gen = core::make_generator(core::derive_seed(config.seed, {core::tag_of("rnn-init")}));
  if (config.balanced_init) {
    rnn->set_vectors(models::balanced_vectors(config.n, config.rank, gen));
  } else if (config.init_overlaps.empty()) {
    rnn->init_random(gen);
  } else {
    rnn->init_from_overlaps(config.init_overlap_matrix(), gen);
  }
  return rnn;
}

std::vector<OverlapRecord> train_rnn(const RnnRunConfig& config, LowRankRnn& rnn, bool progress) {
  config.validate();
  rnn = init_rnn(config);
  return train_rnn_on(rnn, config.task_data(), config, progress);
}

std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const RnnTaskData& task,
                                             const RnnRunConfig& config, models::Integrator integrator) {
  if (!config.is_gd()) {
    throw core::UsageError("--optimizer: the overlap theory follows gradient descent; Adam has no overlap-space map");
  }
  if (!config.draws_fresh_trials()) {
    return models::theory_trajectory(sigma0, task, config.dynamics(), config.gd_schedule(), integrator);
  }
  // The same fresh trials as train_rnn_on draws: epoch 0 is `task`.
  RnnTaskData current;
  const models::TaskOfEpoch task_of_epoch = [&](int epoch) -> const RnnTaskData& {
    if (epoch == 0) return task;
    current = config.task_data(epoch);
    return current;
  };
  return models::theory_trajectory(sigma0, task_of_epoch, config.dynamics(), config.gd_schedule(), integrator);
}

std::string overlaps_csv_header(int64_t rank) {
  std::string header = "epoch,loss";
  for (const auto& name : models::OverlapLayout{rank}.entry_names()) header += "," + name;
  return header;
}

std::string overlaps_csv_line(const OverlapRecord& record, int64_t rank) {
  const int64_t k = models::OverlapLayout{rank}.size();
  std::string line = fmt::format("{},{}", record.epoch, record.loss);
  const auto s = record.sigma.contiguous();
  for (int64_t a = 0; a < k; ++a)
    for (int64_t b = a; b < k; ++b) line += fmt::format(",{}", s[a][b].item<double>());
  return line + "\n";
}

std::string overlaps_csv(const std::vector<OverlapRecord>& records, int64_t rank) {
  std::string csv = overlaps_csv_header(rank) + "\n";
  for (const auto& r : records) csv += overlaps_csv_line(r, rank);
  return csv;
}

TrainingSpace parse_training_space(const std::string& name) {
  if (name == "network") return TrainingSpace::kNetwork;
  if (name == "overlap") return TrainingSpace::kOverlap;
  throw core::UsageError(fmt::format("--space: unknown space '{}' (network or overlap)", name));
}

std::string to_string(TrainingSpace space) { return space == TrainingSpace::kOverlap ? "overlap" : "network"; }

namespace {

void require_gd_in_overlap_space(const RnnRunConfig& config) {
  if (!config.is_gd()) {
    throw core::UsageError("--space overlap: the overlap theory follows plain GD; use --optimizer gd");
  }
}

}  // namespace

std::vector<OverlapRecord> train_in_overlap_space(const RnnRunConfig& config, models::Integrator integrator) {
  require_gd_in_overlap_space(config);
  const torch::Tensor sigma0 = config.init_overlaps.empty()
                                   ? models::overlap_matrix(init_rnn(config)->vectors().detach())
                                   : config.init_overlap_matrix();
  return theory_trajectory(sigma0, config.task_data(), config, integrator);
}

RnnTrainResult run_rnn_train(const RnnTrainConfig& train, const core::RunContext& context) {
  const RnnRunConfig& config = train.run;
  config.validate();
  const bool in_overlaps = train.space == TrainingSpace::kOverlap;
  if (in_overlaps) require_gd_in_overlap_space(config);  // before anything is written
  core::StagedDirectory staged(train.out, core::kind::kLowRankRnn);
  const auto start = std::chrono::steady_clock::now();
  LowRankRnn rnn(config.rnn_options());
  RnnTrainResult result;
  result.config = config;
  result.records =
      in_overlaps ? train_in_overlap_space(config, train.integrator) : train_rnn(config, rnn, context.progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  core::Json held_out = nullptr;
  if (config.random_task() && in_overlaps) {
    double loss = 0;
    const RnnTaskData h = config.held_out_task();
    models::overlap_gradient(result.records.back().sigma, h, config.dynamics(), &loss);
    held_out = {{"trials", h.inputs.size(0)},
                {"loss", loss},
                {"zero_output_loss", models::rnn_loss(torch::zeros_like(h.targets), h).item<double>()}};
  } else if (config.random_task()) {
    // Each epoch's loss is on that epoch's few trials; a large batch training never saw says
    // what was learned, beside the loss of a network that always outputs 0.
    torch::NoGradGuard no_grad;
    const RnnTaskData h = config.held_out_task();
    // A few trials at a time: the kernel keeps every state of its batch (N x T each).
    std::vector<torch::Tensor> outputs;
    for (const auto& inputs : h.inputs.split(std::max<int64_t>(1, config.trials)))
      outputs.push_back(rnn->forward(inputs));
    held_out = {{"trials", h.inputs.size(0)},
                {"loss", models::rnn_loss(torch::cat(outputs), h).item<double>()},
                {"zero_output_loss", models::rnn_loss(torch::zeros_like(h.targets), h).item<double>()}};
  }
  core::JsonLinesWriter metrics(staged.staging() / "metrics.jsonl");
  for (const auto& r : result.records) metrics.write({{"epoch", r.epoch}, {"loss", r.loss}});
  if (!in_overlaps) core::save_tensors(staged.staging() / "weights.pt", core::parameters_of(*rnn));
  core::write_file_atomic(staged.staging() / "overlaps.csv", overlaps_csv(result.records, config.rank));
  core::write_json(staged.staging() / "config.json", config.to_json());
  core::Json fields = {
      {"config", config.to_json()},        {"initial_loss", result.initial_loss()},
      {"final_loss", result.final_loss()}, {"held_out", held_out},
      {"train_seconds", seconds},          {"epochs_per_second", config.epochs / seconds},
      {"threads", context.threads},        {"invariant_drift", invariant_drift_json(config, result.records)}};
  if (in_overlaps) {  // a network run's meta.json keeps its fields
    fields["space"] = to_string(train.space);
    fields["integrator"] = models::to_string(train.integrator);
  }
  result.meta = core::write_meta(staged.staging(), core::kind::kLowRankRnn, fields);
  staged.commit();
  return result;
}

std::string format_rnn_train(const RnnTrainResult& r, const fs::path& out) {
  const RnnRunConfig& c = r.config;
  const std::string space =
      r.meta.contains("space") ? fmt::format(" in overlap space ({})", r.meta["integrator"].get<std::string>()) : "";
  std::string text = fmt::format("rnn {} N={} R={} {}: loss {:.4g} -> {:.4g} in {} epochs{} ({:.0f} epochs/s) -> {}\n",
                                 c.task, c.n, c.rank, models::to_string(c.activation), r.initial_loss(), r.final_loss(),
                                 c.epochs, space, r.meta["epochs_per_second"].get<double>(), out.string());
  if (r.meta["held_out"].is_object()) {
    const auto& h = r.meta["held_out"];
    text += fmt::format("held-out loss on {} fresh trials: {:.4g} (a network that outputs 0: {:.4g})\n",
                        h["trials"].get<int64_t>(), h["loss"].get<double>(), h["zero_output_loss"].get<double>());
  }
  std::string drifts;
  for (const auto& [name, drift] : r.meta["invariant_drift"].items()) {
    drifts += fmt::format("{}{} {:.2e}", drifts.empty() ? "" : ", ", name, drift.get<double>());
  }
  return text + fmt::format("drift of what gradient flow conserves ({}, relative to max |Sigma_0|): {}\n",
                            c.is_gd() ? "GD keeps it to O(eta^2) per step" : "Adam does not keep it", drifts);
}

core::Json invariant_drift_json(const RnnRunConfig& config, const std::vector<OverlapRecord>& records) {
  core::Json out = core::Json::object();
  for (const auto& [name, drift] :
       models::invariant_drifts(records.front().sigma, records.back().sigma, config.rank, config.activation)) {
    out[name] = drift;
  }
  return out;
}

RnnTrainResult load_rnn_train_result(const fs::path& dir) {
  RnnTrainResult result;
  result.meta = core::open_run(dir, core::kind::kLowRankRnn);
  const fs::path meta_path = dir / "meta.json", csv_path = dir / "overlaps.csv";
  if (!result.meta.contains("config")) throw core::Error(fmt::format("{}: no config", meta_path.string()));
  result.config = RnnRunConfig::from_json(result.meta["config"], meta_path.string());
  const models::OverlapLayout layout{result.config.rank};
  std::istringstream lines(core::read_file(csv_path));
  std::string line;
  std::getline(lines, line);  // header
  for (int line_no = 2; std::getline(lines, line); ++line_no) {
    if (line.empty()) continue;
    std::vector<double> values;
    std::istringstream cells(line);
    try {
      for (std::string cell; std::getline(cells, cell, ',');) values.push_back(std::stod(cell));
    } catch (const std::exception&) {
      throw core::Error(fmt::format("{}:{}: not a number", csv_path.string(), line_no));
    }
    const int64_t k = layout.size();
    if (static_cast<int64_t>(values.size()) != 2 + k * (k + 1) / 2) {
      throw core::Error(fmt::format("{}:{}: expected {} columns, got {}", csv_path.string(), line_no,
                                    2 + k * (k + 1) / 2, values.size()));
    }
    torch::Tensor sigma = torch::empty({k, k}, torch::kFloat64);
    size_t i = 2;
    for (int64_t a = 0; a < k; ++a) {
      for (int64_t b = a; b < k; ++b, ++i) {
        sigma[a][b] = values[i];
        sigma[b][a] = values[i];
      }
    }
    result.records.push_back({static_cast<int>(values[0]), values[1], sigma});
  }
  if (result.records.empty()) throw core::Error(fmt::format("{}: no records", csv_path.string()));
  return result;
}

RnnRun load_rnn_run(const fs::path& dir) {
  const core::Json meta = core::open_run(dir, core::kind::kLowRankRnn);
  const fs::path meta_path = dir / "meta.json";
  if (!meta.contains("config")) throw core::Error(fmt::format("{}: no config", meta_path.string()));
  if (meta.value("space", std::string("network")) == "overlap") {
    throw core::UsageError(fmt::format(
        "{}: trained in overlap space (rnn train --space overlap): it holds overlaps, not a network; train it with "
        "--space network to probe or decode it",
        dir.string()));
  }
  RnnRun run;
  run.config = RnnRunConfig::from_json(meta["config"], meta_path.string());
  run.rnn = LowRankRnn(run.config.rnn_options());
  const fs::path weights = dir / "weights.pt";
  core::load_into(*run.rnn, core::load_tensors(weights), weights.string());
  return run;
}

}  // namespace netprobe::experiments
