#include "experiments/study.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <future>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/seeding.h"
#include "core/text.h"
#include "experiments/probe_model.h"
#include "experiments/study_outputs.h"
#include "models/mlp_batched.h"
#include "probes/presets.h"
#include "train/progress_bar.h"

namespace fs = std::filesystem;

namespace netprobe::experiments {

using probes::SweepRow;
using probes::SweepSpec;
namespace {

using core::Json;

constexpr int64_t kChunk = 32;  // variants per batched evaluation (fixed: reproducibility)
// Models of one task trained as one batched group: most of the saving per model comes with the
// first few members, and groups this small keep two workers evenly loaded (bench_train).
constexpr size_t kSeedsTrainedTogether = 5;
constexpr const char* kSweepFormat = "sweeps-v2";  // v2: signed first layers summed in integers

Json specs_to_json(const std::vector<SweepSpec>& specs) {
  Json out = Json::array();
  for (const auto& s : specs) {
    out.push_back({{"probe", s.probe().name},
                   {"variant", s.variant()},
                   {"levels", s.levels()},
                   {"full", s.evaluates(probes::Mode::kFull)},
                   {"signed", s.evaluates(probes::Mode::kSigned)},
                   {"draws", s.draws()},
                   {"scope", s.scope().label()}});
  }
  return out;
}

// The rows of a cached sweep file if it is exactly what `specs` produce for this model: the same
// specs, every row present and well-formed, all of this task and seed. Otherwise nullopt, and
// `problem` says what does not match (a truncated or hand-edited cache is recomputed, not trusted).
std::optional<std::vector<SweepRow>> read_cached_sweep(const fs::path& file, const std::vector<SweepSpec>& specs,
                                                       int64_t evaluations, const std::string& task, uint64_t seed,
                                                       std::string* problem) {
  try {
    const Json cached = core::read_json(file);
    if (!cached.is_object() || cached.value("specs", Json()) != specs_to_json(specs)) {
      *problem = "its sweep specs differ from this study's";
      return std::nullopt;
    }
    if (!core::matches_content_hash(cached, "rows")) {
      *problem = "its rows do not match their recorded content hash (changed or damaged since written)";
      return std::nullopt;
    }
    const Json& rows_json = cached.at("rows");
    if (!rows_json.is_array() || static_cast<int64_t>(rows_json.size()) != evaluations) {
      *problem = fmt::format("{} rows where the specs give {}", rows_json.size(), evaluations);
      return std::nullopt;
    }
    std::vector<SweepRow> rows;
    for (const auto& r : rows_json) {
      rows.push_back(SweepRow::from_json(r));
      if (rows.back().task != task || rows.back().seed != seed) {
        *problem = fmt::format("a row of {} seed {} in the file of {} seed {}", rows.back().task, rows.back().seed,
                               task, seed);
        return std::nullopt;
      }
    }
    return rows;
  } catch (const std::exception& e) {
    *problem = fmt::format("unreadable ({})", core::first_line(e.what()));
    return std::nullopt;
  }
}

struct Job {
  size_t index = 0;  // in the whole study's model list (what a shard owns)
  size_t task = 0;
  uint64_t seed = 0;
};

struct JobResult {
  StudyModel model;
  std::vector<SweepRow> rows;
  double sigma = 0;
  std::map<std::string, double> scope_sigma;  // "all" and each profiled layer
  bool trained = false, swept = false;
  std::string missing;  // a merge: why this model's rows are not in the cache; empty when they are
};

class StudyRunner {
 public:
  StudyRunner(const StudyConfig& config, const StudyPlan& plan, const core::RunContext& context)
      : config_(config), plan_(plan), context_(context) {
    specs_ = config.sweeps();
    for (const auto& spec : specs_) spec.validate();
    load_datasets();
  }

  StudyResult run() {
    const auto start = std::chrono::steady_clock::now();
    const int removed = core::remove_stale_stages(config_.out);
    if (removed > 0) spdlog::info("study: removed {} staged file(s) left by interrupted runs", removed);
    std::vector<Job> jobs;
    size_t index = 0;
    for (size_t t = 0; t < plan_.tasks.size(); ++t) {
      for (uint64_t seed : plan_.seeds) {
        if (!plan_.shard || plan_.shard->owns(index)) jobs.push_back({index, t, seed});
        ++index;
      }
    }
    models_total_ = index;
    results_.resize(jobs.size());
    const int64_t evals_per_model = probes::count_evaluations(specs_);
    const int64_t total = evals_per_model * static_cast<int64_t>(jobs.size());
    train::ProgressBar bar("study", total, context_.progress);
    const int workers = std::max(1, std::min<int>(plan_.workers, static_cast<int>(jobs.size())));
    spdlog::info("study: {} tasks x {} seeds = {} models{}, {} evaluations each, {} worker(s)", plan_.tasks.size(),
                 plan_.seeds.size(), models_total_,
                 plan_.shard ? fmt::format(" (shard {}: {} of them)", plan_.shard->label(), jobs.size()) : "",
                 evals_per_model, workers);
    trained_.assign(jobs.size(), 0);
    if (!config_.merge) train_missing(jobs, workers, bar);
    core::parallel_for(
        jobs.size(), workers,
        [&](size_t j, int) {
          torch::set_num_threads(1);  // parallelism is across models; see StudyPlan::workers
          results_[j] = run_job(jobs[j], trained_[j] != 0);
          ++models_done_;
        },
        [&] { bar.update(done_evals_.load(), fmt::format("{}/{} models", models_done_.load(), jobs.size())); });
    bar.finish();
    if (config_.merge) throw_if_missing(jobs);
    return collect(start);
  }

 private:
  // Every split of every dataset read side by side: inflating them one after the other was most
  // of a cached study's start.
  void load_datasets() {
    using Split = std::future<data::LabeledImages>;
    std::map<std::string, std::pair<Split, Split>> loading;
    for (const auto& spec : plan_.tasks) {
      if (loading.count(spec.dataset)) continue;
      const auto& info = data::dataset_info(spec.dataset);
      const fs::path dir = data::resolve_data_dir(info, context_.data_dir);
      const auto load = [&info, dir](data::Split split) { return data::load_split(info, split, dir); };
      loading[spec.dataset] = {std::async(std::launch::async, load, data::Split::kTrain),
                               std::async(std::launch::async, load, data::Split::kTest)};
    }
    for (auto& [name, splits] : loading) splits_[name] = {splits.first.get(), splits.second.get()};
  }

  ClassifierRunConfig run_config_of(const Job& job) const {
    ClassifierRunConfig run_config = config_.model;
    run_config.task = plan_.tasks[job.task];
    run_config.seed = job.seed;
    return run_config;
  }

  fs::path model_dir_of(const ClassifierRunConfig& run_config) const {
    return config_.out / "models" / run_config.task.id() /
           fmt::format("seed{}-{}", run_config.seed, run_config.hash(1));
  }

  std::unique_ptr<core::FileLock> lock_model(const ClassifierRunConfig& run_config) const {
    return std::make_unique<core::FileLock>(
        config_.out / "locks" /
            fmt::format("{}-seed{}-{}.lock", run_config.task.id(), run_config.seed, run_config.hash(1)),
        core::LockMode::kExclusive, model_dir_of(run_config).string(),
        "is training or probing this model (the same shard running twice?); wait for it to finish");
  }

  /// Trains every model of `jobs` not yet on disk, a task's seeds kSeedsTrainedTogether at a time
  /// (models/mlp_group_trainer.h: each model bit-identical to training it alone, cheaper per
  /// model), before any probing; marks them in trained_.
  void train_missing(const std::vector<Job>& jobs, int workers, train::ProgressBar& bar) {
    std::vector<std::vector<size_t>> groups;
    std::map<size_t, size_t> open_group;  // task -> its group still filling
    std::error_code ec;
    for (size_t j = 0; j < jobs.size(); ++j) {
      if (fs::exists(model_dir_of(run_config_of(jobs[j])) / "meta.json", ec)) continue;
      auto it = open_group.find(jobs[j].task);
      if (it == open_group.end() || groups[it->second].size() == kSeedsTrainedTogether) {
        it = open_group.insert_or_assign(jobs[j].task, groups.size()).first;
        groups.emplace_back();
      }
      groups[it->second].push_back(j);
    }
    if (groups.empty()) return;
    std::atomic<size_t> done{0};
    size_t missing = 0;
    for (const auto& g : groups) missing += g.size();
    core::parallel_for(
        groups.size(), std::max(1, std::min<int>(workers, static_cast<int>(groups.size()))),
        [&](size_t g, int) {
          torch::set_num_threads(1);
          std::vector<std::unique_ptr<core::FileLock>> locks;
          std::vector<ClassifierRunConfig> configs;
          std::vector<fs::path> dirs;
          std::vector<size_t> members;
          for (size_t j : groups[g]) {
            const ClassifierRunConfig run_config = run_config_of(jobs[j]);
            locks.push_back(lock_model(run_config));
            std::error_code exists_ec;  // another process may have trained it meanwhile
            if (fs::exists(model_dir_of(run_config) / "meta.json", exists_ec)) continue;
            configs.push_back(run_config);
            dirs.push_back(model_dir_of(run_config));
            members.push_back(j);
          }
          if (configs.empty()) return;
          const data::TaskSpec& spec = plan_.tasks[jobs[groups[g].front()].task];
          const auto& split = splits_.at(spec.dataset);
          train_classifier_runs(configs, data::make_task(spec, split.first, split.second), dirs, 1,
                                /*progress=*/false);
          for (size_t j : members) trained_[j] = 1;
          done += members.size();
        },
        [&] { bar.update(0, fmt::format("training {}/{} models", done.load(), missing)); });
  }

  /// Probes the model of `job`, training it first if missing; `trained_already` says
  /// train_missing trained it in this run.
  JobResult run_job(const Job& job, bool trained_already) {
    const data::TaskSpec& spec = plan_.tasks[job.task];
    const ClassifierRunConfig run_config = run_config_of(job);
    const std::string model_hash = run_config.hash(1);
    const fs::path model_dir = model_dir_of(run_config);
    const auto& split = splits_.at(spec.dataset);
    const data::Task task = data::make_task(spec, split.first, split.second);
    JobResult result;
    result.trained = trained_already;
    result.model = {spec.id(), job.seed, fs::relative(model_dir, config_.out)};
    // A merge only reads, under the directory's exclusive lock; everyone else may write this model.
    std::unique_ptr<core::FileLock> lock;
    if (!config_.merge) lock = lock_model(run_config);
    std::error_code ec;
    if (!fs::exists(model_dir / "meta.json", ec)) {
      if (config_.merge) {
        result.missing = "not trained";
        return result;
      }
      train_classifier_run(run_config, task, model_dir, 1, /*progress=*/false);
      result.trained = true;
    }
    const ClassifierRun run = load_cached_model(run_config, task, model_dir, result);
    // PROBES.md's protocol probes the biases too (the layer rules of user models would not).
    const core::NamedTensors params = core::parameters_of(*run.model);
    const probes::ProbeTarget target{params, models::layers_of_named_parameters(params),
                                     probes::RoleSet::weights_and_biases()};
    result.sigma = probes::weight_sigma(params, target.select(probes::Scope::all()));
    for (const auto& scope : profile_scopes()) {
      result.scope_sigma[scope.label()] = probes::weight_sigma(params, target.select(scope));
    }

    const std::string sweep_hash = fmt::format(
        "{:016x}",
        core::derive_seed(core::tag_of(specs_to_json(specs_).dump()),
                          {core::tag_of(model_hash), core::tag_of(kSweepFormat), static_cast<uint64_t>(kChunk)}));
    const fs::path sweep_file =
        config_.out / "sweeps" / fmt::format("{}-seed{}-{}.json", spec.id(), job.seed, sweep_hash);
    const int64_t evals = probes::count_evaluations(specs_);
    std::string problem = "not probed";
    if (fs::exists(sweep_file, ec)) {
      if (auto rows = read_cached_sweep(sweep_file, specs_, evals, spec.id(), job.seed, &problem)) {
        result.rows = std::move(*rows);
        done_evals_ += evals;
        return result;
      }
      if (!config_.merge) spdlog::warn("{}: {}; computing the sweeps again", sweep_file.string(), problem);
    }
    if (config_.merge) {
      result.missing = problem;
      return result;
    }
    const models::MlpBatchEvaluator evaluator(run_config.mlp_options(task.test_x.size(1)), task.test_x, task.test_y);
    probes::SweepContext context{spec.id(), job.seed, kChunk};
    int64_t reported = 0;
    context.progress = [&](int64_t done, int64_t) {
      done_evals_ += done - reported;
      reported = done;
    };
    result.rows = probes::run_sweeps(
        target, specs_, [&](const std::vector<core::NamedTensors>& v) { return as_evaluations(evaluator.evaluate(v)); },
        context);
    Json rows = Json::array();
    for (const auto& r : result.rows) rows.push_back(r.to_json());
    core::write_json(sweep_file, {{"model", model_dir.string()},
                                  {"specs", specs_to_json(specs_)},
                                  {"rows", rows},
                                  {"rows_hash", core::json_content_hash(rows)}});
    result.swept = true;
    return result;
  }

  /// The model in `model_dir`; a cached one whose weights fail their content hash is trained
  /// again (with a warning), except by a merge, which only reads and so fails naming the file.
  ClassifierRun load_cached_model(const ClassifierRunConfig& run_config, const data::Task& task,
                                  const fs::path& model_dir, JobResult& result) const {
    try {
      return load_classifier_run(model_dir);
    } catch (const core::IntegrityError& e) {
      if (config_.merge || result.trained) throw;
      spdlog::warn("{}; training the model again", core::first_line(e.what()));
      fs::remove_all(model_dir);
      train_classifier_run(run_config, task, model_dir, 1, /*progress=*/false);
      result.trained = true;
      return load_classifier_run(model_dir);
    }
  }

  /// All layers and fc1, fc2, ... with a layer profile; none without.
  std::vector<probes::Scope> profile_scopes() const {
    if (!config_.layer_profile) return {};
    std::vector<probes::Scope> scopes{probes::Scope::all()};
    for (const auto& layer : config_.profile_layers()) scopes.push_back(probes::Scope::parse(layer));
    return scopes;
  }

  void throw_if_missing(const std::vector<Job>& jobs) const {
    std::vector<MissingUnit> missing;
    for (size_t j = 0; j < jobs.size(); ++j) {
      if (results_[j].missing.empty()) continue;
      missing.push_back({jobs[j].index, fmt::format("{} seed {}", plan_.tasks[jobs[j].task].id(), jobs[j].seed),
                         results_[j].missing});
    }
    if (!missing.empty()) throw core::Error(describe_missing(missing, models_total_, "models", config_.out));
  }

  StudyResult collect(std::chrono::steady_clock::time_point start) {
    StudyResult out;
    out.max_drop = config_.max_drop;
    out.models_total = models_total_;
    if (plan_.shard) out.shard = plan_.shard->label();
    std::map<std::string, std::vector<SweepRow>> by_task;
    std::map<std::string, std::vector<double>> sigma_by_task;
    std::map<std::string, std::map<std::string, std::vector<double>>> scope_sigmas;  // task -> scope -> seeds
    for (const auto& r : results_) {
      out.models.push_back(r.model);
      out.models_trained += r.trained ? 1 : 0;
      out.sweeps_run += r.swept ? 1 : 0;
      if (r.rows.empty()) continue;
      by_task[r.rows.front().task].insert(by_task[r.rows.front().task].end(), r.rows.begin(), r.rows.end());
      sigma_by_task[r.rows.front().task].push_back(r.sigma);
      for (const auto& [scope, sigma] : r.scope_sigma) scope_sigmas[r.rows.front().task][scope].push_back(sigma);
      out.rows.insert(out.rows.end(), r.rows.begin(), r.rows.end());
    }
    out.models_cached = static_cast<int>(results_.size()) - out.models_trained;
    out.sweeps_cached = static_cast<int>(results_.size()) - out.sweeps_run;
    for (const auto& spec : plan_.tasks) {
      if (plan_.shard) break;  // a shard holds some of each task's seeds: scores come with the merge
      out.scores.push_back(
          probes::score_task(by_task[spec.id()], static_cast<int>(spec.classes.size()), sigma_by_task[spec.id()]));
      if (!config_.layer_profile) continue;
      std::map<std::string, double> sigma;  // median over seeds, as every other study number
      for (const auto& [scope, values] : scope_sigmas[spec.id()]) sigma[scope] = probes::spread(values).median;
      out.compression[spec.id()] = probes::compress_by_layer(by_task[spec.id()], profile_scopes(), sigma,
                                                             static_cast<int>(spec.classes.size()), config_.max_drop);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  }

  const StudyConfig& config_;
  const StudyPlan& plan_;
  const core::RunContext& context_;
  std::vector<SweepSpec> specs_;
  std::map<std::string, std::pair<data::LabeledImages, data::LabeledImages>> splits_;
  std::vector<JobResult> results_;
  std::vector<char> trained_;  // per job: trained by train_missing in this run
  size_t models_total_ = 0;
  std::atomic<int64_t> done_evals_{0};
  std::atomic<int> models_done_{0};
};

}  // namespace

void StudyConfig::validate() const {
  const StudyConfig& c = *this;
  if (c.seeds < 1) throw core::UsageError(fmt::format("--seeds: must be >= 1, got {}", c.seeds));
  if (c.draws < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", c.draws));
  if (!std::isfinite(c.max_drop) || c.max_drop < 0 || c.max_drop > 100) {
    throw core::UsageError(fmt::format("--max-drop: must be in [0, 100] accuracy points, got {}", c.max_drop));
  }
  if (c.probes.empty()) throw core::UsageError("--probes: empty list");
  probes::study_probes(c.probes);  // UsageError naming an unknown one
  if (c.shard_count && *c.shard_count < 1) {
    throw core::UsageError(fmt::format("--shard-count: must be >= 1, got {}", *c.shard_count));
  }
  if (!c.shard.empty() && c.merge) {
    throw core::UsageError("--merge: a merge takes every shard's results; drop --shard");
  }
  c.model.validate();
}

StudyPlan StudyPlan::of(const StudyConfig& config, const core::RunContext& context) {
  StudyPlan plan;
  plan.tasks = select_tasks(config.tasks);
  if (plan.tasks.empty()) throw core::UsageError("study: no tasks selected");
  for (const auto& t : plan.tasks) data::validate_task(t);
  const uint64_t first = context.seed_or(0);
  for (int s = 0; s < config.seeds; ++s) plan.seeds.push_back(first + static_cast<uint64_t>(s));
  plan.shard = select_shard(config.shard, config.shard_count, config.merge, "study");
  plan.workers = std::max(1, context.threads);
  return plan;
}

std::vector<std::string> StudyConfig::profile_layers() const {
  std::vector<std::string> layers;
  if (layer_profile) {
    for (size_t l = 0; l <= model.hidden.size(); ++l) layers.push_back(fmt::format("fc{}", l + 1));
  }
  return layers;
}

std::vector<SweepSpec> StudyConfig::sweeps() const {
  std::vector<SweepSpec> specs = probes::study_preset(probes::study_probes(probes), draws);
  for (auto& spec : probes::layer_profile_preset(profile_layers(), draws)) specs.push_back(std::move(spec));
  return specs;
}

core::Json StudyResult::to_json() const {
  Json scores_json = Json::array();
  for (const auto& s : scores) scores_json.push_back(s.to_json());
  Json models_json = Json::array();
  for (const auto& m : models) models_json.push_back({{"task", m.task}, {"seed", m.seed}, {"dir", m.dir.string()}});
  Json out = {{"scores", scores_json},
              {"models", models_json},
              {"models_trained", models_trained},
              {"models_cached", models_cached},
              {"sweeps_run", sweeps_run},
              {"sweeps_cached", sweeps_cached},
              {"rows", rows.size()},
              {"seconds", seconds}};
  if (!shard.empty()) {  // a shard's result only: a whole study's study.json keeps its fields
    out["shard"] = shard;
    out["models_total"] = models_total;
  }
  if (!compression.empty()) {  // a layer profile's answer; absent otherwise, so other outputs keep their bytes
    out["max_drop"] = max_drop;
    out["compression"] = Json::object();
    for (const auto& [task, layers] : compression) out["compression"][task] = compression_json(layers);
  }
  return out;
}

StudyResult StudyResult::from_json(const core::Json& json, const std::string& source) {
  try {
    StudyResult r;
    for (const auto& s : json.at("scores")) r.scores.push_back(probes::TaskScore::from_json(s));
    for (const auto& m : json.at("models")) {
      r.models.push_back(
          {m.at("task").get<std::string>(), m.at("seed").get<uint64_t>(), fs::path(m.at("dir").get<std::string>())});
    }
    r.models_trained = json.at("models_trained").get<int>();
    r.models_cached = json.at("models_cached").get<int>();
    r.sweeps_run = json.at("sweeps_run").get<int>();
    r.sweeps_cached = json.at("sweeps_cached").get<int>();
    r.seconds = json.at("seconds").get<double>();
    if (json.contains("compression")) {
      r.max_drop = json.at("max_drop").get<double>();
      for (const auto& [task, layers] : json.at("compression").items()) {
        for (const auto& l : layers) r.compression[task].push_back(l.get<probes::LayerCompression>());
      }
    }
    return r;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid study result ({})", source, e.what()));
  }
}

StudyResult run_study(const StudyConfig& config, const core::RunContext& context) {
  config.validate();
  const StudyPlan plan = StudyPlan::of(config, context);
  core::guard_output_dir(config.out, core::kind::kStudy);
  if (config.merge && core::run_kind(config.out) != core::kind::kStudy) {
    throw core::UsageError(
        fmt::format("--merge: {} is not a study's results directory; run the shards first", config.out.string()));
  }
  config.model.check_memory(data::kImagePixels);
  StudyRunner runner(config, plan, context);  // loads the datasets: a missing file fails before anything is written
  fs::create_directories(config.out);
  // Shards of one study share the directory; a whole study or a merge has it alone.
  const core::DirectoryLock lock(config.out, plan.shard ? core::LockMode::kShared : core::LockMode::kExclusive);
  if (!config.merge) write_study_meta(config, plan);  // a merge writes nothing until it has every model
  StudyResult result = runner.run();
  if (plan.shard) {
    write_shard_record(config, plan, result);
    return result;
  }
  if (config.merge) write_study_meta(config, plan);
  write_study_outputs(config, plan, result);
  return result;
}

std::string format_summary(const StudyResult& result) {
  if (!result.shard.empty()) {
    return fmt::format(
        "shard {}: {} of {} models; models trained {}, cached {}; sweeps run {}, cached {}; {:.1f}s\n"
        "when every shard has finished: the same study with --merge instead of --shard\n",
        result.shard, result.models.size(), result.models_total, result.models_trained, result.models_cached,
        result.sweeps_run, result.sweeps_cached, result.seconds);
  }
  core::TextTable table({"task", "seeds", "full %", "binarized %", "shuffled(B) %", "Δ_bin", "Δ_shuf", "prune>bin peak",
                         "noise(signed) peak", "flip peak"});
  const auto cell = [](const probes::Spread& s) {
    return s.n > 0 ? fmt::format("{:.1f} [{:.1f},{:.1f}]", s.median, s.q1, s.q3) : std::string("-");
  };
  const auto peak = [](const probes::Peak& p, const std::string& where) { return p.found ? where : std::string("-"); };
  const auto delta = [](double d) { return std::isnan(d) ? std::string("-") : fmt::format("{:.1f}", d); };
  for (const auto& s : result.scores) {
    table.add(
        {s.task, std::to_string(s.seeds), cell(s.full), cell(s.binarized), cell(s.shuffled), delta(s.delta_bin),
         delta(s.delta_shuf),
         peak(s.prune_binarize, fmt::format("{:.1f} @p={:.3g}", s.prune_binarize.accuracy, s.prune_binarize.level)),
         peak(s.noise_signed,
              fmt::format("{:.1f} @a={:.2g} ({:.2g} σ(w))", s.noise_signed.accuracy, s.noise_signed.level,
                          s.sigma_w > 0 ? s.noise_signed.level / s.sigma_w : 0.0)),
         peak(s.flip_signed, fmt::format("{:.1f} @q={:.2f}", s.flip_signed.accuracy, s.flip_signed.level))});
  }
  std::string out = table.str();
  std::vector<double> bin, shuf;  // tasks where both scores are defined
  for (const auto& s : result.scores) {
    if (std::isnan(s.delta_bin) || std::isnan(s.delta_shuf)) continue;
    bin.push_back(s.delta_bin);
    shuf.push_back(s.delta_shuf);
  }
  if (bin.size() >= 3) {
    out += fmt::format("rank correlation of Δ_bin and Δ_shuf over {} tasks: {:.3f}\n", bin.size(),
                       probes::spearman(bin, shuf));
  }
  for (const auto& s : result.scores) {  // in the summary's order
    const auto layers = result.compression.find(s.task);
    if (layers == result.compression.end()) continue;
    out += fmt::format("{} per layer (one at a time, medians over seeds): ", s.task);
    out += probes::format_compression_table(layers->second, result.max_drop);
  }
  out +=
      fmt::format("{} rows; models trained {}, cached {}; sweeps run {}, cached {}; {:.1f}s\n", result.rows.size(),
                  result.models_trained, result.models_cached, result.sweeps_run, result.sweeps_cached, result.seconds);
  return out;
}

}  // namespace netprobe::experiments
