#include "experiments/compress.h"

#include <cctype>
#include <cmath>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/content_hash.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/text.h"
#include "experiments/shard.h"
#include "probes/adaptive_sweep.h"
#include "probes/compression.h"
#include "probes/prune.h"
#include "train/progress_bar.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;
using probes::Scope;

// The metric of one evaluation as a drop from the intact model, and its verdict.
struct Judged {
  double value = 0;
  probes::Drop drop;
  probes::Verdict verdict = probes::Verdict::kFailed;
};

Judged judge(const probes::Evaluation& e, const probes::Evaluation& intact, probes::Metric metric, double max_drop) {
  Judged j{e.value, {}, probes::Verdict::kFailed};
  if (e.lost >= 0 && (metric == probes::Metric::kAccuracy || metric == probes::Metric::kTop5)) {
    j.drop = probes::paired_drop(e.lost, e.gained, e.examples);
  } else {
    const double d = probes::drop_of(metric, intact.value, e.value);
    j.drop = {d, d, d, false};
  }
  j.verdict = probes::verdict(j.drop, max_drop);
  return j;
}

// The level just below `p` in `grid` (0 below its first).
double step_down(const std::vector<double>& grid, double p) {
  double below = 0;
  for (double g : grid) {
    if (g < p) below = g;
  }
  return below;
}

// Every layer's safe magnitude pruning at once, each layer one grid step lower until the joint
// model is safe; writes pruned.pt and masks.pt into `dir`.
CompressPlan make_plan(const ProbeModel& model, const std::vector<probes::LayerAnswer>& answers,
                       const std::vector<double>& grid, const probes::Evaluation& intact, double max_drop,
                       const fs::path& dir) {
  const probes::Probe magnitude = probes::prune_probe().build("magnitude");
  CompressPlan plan;
  for (const auto& a : answers) {
    if (a.layer == "all") continue;
    const probes::ProbeAnswer* m = a.find("magnitude");
    plan.layers.push_back({a.layer, m != nullptr && !std::isnan(m->safe_level) ? m->safe_level : 0.0, 0});
  }
  core::NamedTensors joint;
  for (;;) {
    joint = model.target.params;
    for (const auto& l : plan.layers) {
      if (l.p <= 0) continue;
      at::Generator unused = core::make_generator(0);  // magnitude pruning draws nothing
      joint = probes::apply_probe(magnitude, joint, model.target.select(Scope::parse(l.layer)), l.p, unused).tensors;
    }
    const Judged j = judge(model.evaluate({joint}).front(), intact, model.metric, max_drop);
    plan.value = j.value;
    plan.drop = j.drop.point;
    plan.drop_low = j.drop.low;
    plan.drop_high = j.drop.high;
    plan.verdict = probes::verdict_name(j.verdict);
    const bool all_zero = std::all_of(plan.layers.begin(), plan.layers.end(), [](const auto& l) { return l.p <= 0; });
    if (j.verdict == probes::Verdict::kSafe || all_zero) break;
    for (auto& l : plan.layers) l.p = step_down(grid, l.p);
    ++plan.backoff_steps;
  }
  int64_t zeros = 0, entries = 0;
  for (auto& l : plan.layers) {
    int64_t layer_zeros = 0, layer_entries = 0;
    for (const auto& part : model.target.select(Scope::parse(l.layer)).parts) {
      layer_zeros += probes::count_zeros(probes::part_of(joint, part).contiguous());
      layer_entries += part.entries();
    }
    l.sparsity = layer_entries > 0 ? static_cast<double>(layer_zeros) / static_cast<double>(layer_entries) : 0;
    zeros += layer_zeros;
    entries += layer_entries;
  }
  plan.sparsity = entries > 0 ? static_cast<double>(zeros) / static_cast<double>(entries) : 0;
  // The masked model, and the masks (True: kept) of every parameter the plan pruned, for torch.load.
  core::write_atomically(dir / "pruned.pt",
                         [&](const fs::path& staged) { model.as_script(joint).save(staged.string()); });
  c10::Dict<std::string, at::Tensor> masks;
  for (size_t i = 0; i < joint.size(); ++i) {
    if (!joint[i].second.is_same(model.target.params[i].second)) masks.insert(joint[i].first, joint[i].second.ne(0));
  }
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(masks));
  core::write_file_atomic(dir / "masks.pt", std::string(bytes.begin(), bytes.end()));
  return plan;
}

// Which layers' variants run only the network after them (TorchScript models), in the log.
void log_reuse(const ProbeModel& model, const std::vector<Scope>& scopes) {
  if (model.kind != "torchscript") return;
  spdlog::info("whole-network runs {} the frozen optimised graph: {}", model.frozen_graph ? "use" : "do not use",
               model.frozen_graph_note);
  if (!model.why_whole_network.empty()) {
    spdlog::info("every variant runs the whole network: {}", model.why_whole_network);
    return;
  }
  std::vector<std::string> whole;
  size_t layers = 0;
  for (const Scope& scope : scopes) {
    if (scope.is_all()) continue;
    ++layers;
    for (const auto& part : model.target.select(scope).parts) {
      const auto& w = model.whole_network_parameters;
      if (std::find(w.begin(), w.end(), part.name) != w.end()) {
        whole.push_back(scope.label());
        break;
      }
    }
  }
  spdlog::info("{} of {} layers run only the network from their first use on (its input computed once){}",
               layers - whole.size(), layers,
               whole.empty() ? "" : fmt::format("; the whole network: {}", fmt::join(whole, ", ")));
}

}  // namespace

void CompressConfig::validate() const {
  if (!std::isfinite(max_drop) || max_drop < 0 || max_drop > 100) {
    throw core::UsageError(fmt::format("--max-drop: must be in [0, 100], got {}", max_drop));
  }
  if (draws < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", draws));
  if (first_round < 1) throw core::UsageError(fmt::format("--first-round: must be >= 1, got {}", first_round));
  if (first_look < 0) throw core::UsageError(fmt::format("--first-look: must be >= 0, got {}", first_look));
  if (probes.empty()) throw core::UsageError("--probes: empty list");
  for (const auto& p : probes) probes::find_compress_probe(p);
  if (!levels.empty()) probes::prune_probe().check_levels(levels);
  if (plan && out.empty()) throw core::UsageError("--plan: needs --out, where pruned.pt and masks.pt are written");
  if (plan && std::find(probes.begin(), probes.end(), "magnitude") == probes.end()) {
    throw core::UsageError("--plan: needs the magnitude probe's answers (add magnitude to --probes)");
  }
  probes::parse_classifier_metric(source.metric);
  probes::RoleSet::parse_include(source.include);
}

core::Json CompressConfig::to_json() const {
  return {{"model", source.model.string()},
          {"data", source.data},
          {"input_shape", source.input_shape},
          {"batch", source.batch},
          {"loss", source.loss},
          {"include", source.include},
          {"split_attention", source.split_attention},
          {"split_gates", source.split_gates},
          {"metric", source.metric},
          {"max_drop", max_drop},
          {"draws", draws},
          {"probes", probes},
          {"levels", levels},
          {"exhaustive", exhaustive},
          {"first_round", first_round},
          {"first_look", first_look},
          {"plan", plan}};
}

int64_t CompressResult::sampled_evaluations() const {
  return std::count_if(rows.begin(), rows.end(),
                       [&](const probes::SweepRow& row) { return row.has_counts() && row.examples < examples; });
}

core::Json CompressResult::to_json() const {
  core::Json j = {{"model_kind", model_kind},
                  {"task", task},
                  {"seed", seed},
                  {"classes", classes},
                  {"metric", metric},
                  {"max_drop", max_drop},
                  {"intact", intact},
                  {"intact_low", intact_low},
                  {"intact_high", intact_high},
                  {"examples", examples},
                  {"evaluations", evaluations},
                  {"exhaustive_evaluations", exhaustive_evaluations},
                  {"roles", roles},
                  {"layers", layers},
                  {"plan", plan ? core::Json(*plan) : core::Json(nullptr)}};
  core::Json rows_json = core::Json::array();
  for (const auto& r : rows) rows_json.push_back(r.to_json());
  j["rows"] = rows_json;
  return j;
}

CompressResult CompressResult::from_json(const core::Json& j, const std::string& source) {
  try {
    CompressResult r;
    using core::read_field;
    read_field(j, "model_kind", r.model_kind);
    read_field(j, "task", r.task);
    read_field(j, "seed", r.seed);
    read_field(j, "classes", r.classes);
    read_field(j, "metric", r.metric);
    read_field(j, "max_drop", r.max_drop);
    read_field(j, "intact", r.intact);
    read_field(j, "intact_low", r.intact_low);
    read_field(j, "intact_high", r.intact_high);
    read_field(j, "examples", r.examples);
    read_field(j, "evaluations", r.evaluations);
    read_field(j, "exhaustive_evaluations", r.exhaustive_evaluations);
    read_field(j, "roles", r.roles);
    read_field(j, "layers", r.layers);
    if (!j.at("plan").is_null()) r.plan = j.at("plan").get<CompressPlan>();
    r.rows = probes::rows_from_json(j.at("rows"), source);
    return r;
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: not a compression result ({})", source, core::first_line(e.what())));
  }
}

namespace {

constexpr const char* kLayerFormat = "compress-layers-3";  // bump when a layer file's rows change meaning

void hash_file_into(core::ContentHash& h, const fs::path& path) {
  h.update(fmt::format("{:016x}", core::hash_file(path).fnv1a()));
}

// What every layer's rows depend on: the model (its parameters, and its file), the test set and
// each option that changes rows. Paths do not count, so a moved directory still resumes.
std::string run_key(const CompressConfig& config, const ProbeModel& model) {
  core::ContentHash h;
  h.update(kLayerFormat);
  core::Json options = config.to_json();
  for (const char* path_or_output : {"model", "data", "plan"}) options.erase(path_or_output);
  options["seed"] = model.seed;
  h.update(options.dump());
  std::error_code ec;
  if (fs::is_regular_file(config.source.model, ec)) hash_file_into(h, config.source.model);
  for (const auto& [name, t] : model.target.params) {
    const torch::Tensor c = t.contiguous();
    h.update(name);
    h.update(std::string_view(static_cast<const char*>(c.data_ptr()), c.nbytes()));
  }
  if (fs::is_regular_file(config.source.data, ec)) {
    hash_file_into(h, config.source.data);
  } else {
    h.update(config.source.data);  // a task id: its files are checked against data/'s checksums
  }
  return fmt::format("{:016x}", h.fnv1a());
}

fs::path layer_file(const fs::path& out, size_t index, const Scope& scope) {
  std::string name = scope.label();
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-' && c != '_') c = '_';
  }
  return out / "layers" / fmt::format("{:03}-{}.json", index, name);
}

// A layer's rows read back, or nullopt with why they cannot be used.
std::optional<std::vector<probes::SweepRow>> read_layer(const fs::path& file, const std::string& key,
                                                        const Scope& scope, std::string* why) {
  try {
    const core::Json j = core::read_json(file);
    if (j.value("key", "") != key) {
      *why = "computed for another model, test set or options";
      return std::nullopt;
    }
    if (!core::matches_content_hash(j, "rows")) {
      *why = "its rows do not match their recorded content hash (changed or damaged since written)";
      return std::nullopt;
    }
    std::vector<probes::SweepRow> rows = probes::rows_from_json(j.at("rows"), file.string());
    const bool ours = !rows.empty() && std::all_of(rows.begin(), rows.end(), [&](const probes::SweepRow& r) {
      return r.scope == scope && !r.probe.is_intact();
    });
    if (!ours) {
      *why = fmt::format("does not hold the rows of layer {}", scope.label());
      return std::nullopt;
    }
    return rows;
  } catch (const std::exception& e) {
    *why = fmt::format("unreadable ({})", core::first_line(e.what()));
    return std::nullopt;
  }
}

void write_layer(const fs::path& file, const std::string& key, const Scope& scope,
                 const std::vector<probes::SweepRow>& rows) {
  core::Json j = {{"key", key}, {"layer", scope.label()}, {"rows", core::Json::array()}};
  for (const auto& r : rows) j["rows"].push_back(r.to_json());
  j["rows_hash"] = core::json_content_hash(j["rows"]);
  core::write_json(file, j);
}

// The samples a level is looked at before the whole test set: first_look, then 4x as many, ...,
// each a whole number of batches and at most half the test set (a level the sample leaves open
// is evaluated again from where the sample ended, so a larger sample saves too little to pay for
// the second call: the example CNN's 2,037 images ran 10 % slower with a look at 1,024).
std::vector<int64_t> look_sizes(int64_t first_look, int64_t examples, int64_t batch) {
  std::vector<int64_t> looks;
  for (int64_t n = first_look; n < examples; n *= 4) {
    const int64_t whole = (n + batch - 1) / batch * batch;
    if (2 * whole <= examples && (looks.empty() || whole > looks.back())) looks.push_back(whole);
  }
  return looks;
}

// Outputs of an earlier run, removed before a new one starts: until every layer is done the
// directory holds no answers, rather than another run's.
void remove_final_outputs(const fs::path& out) {
  std::error_code ec;
  for (const char* f : {"compression.json", "results.csv", "pruned.pt", "masks.pt", "index.html"}) {
    fs::remove(out / f, ec);
  }
  fs::remove_all(out / "figures", ec);
}

}  // namespace

CompressResult run_compress(const CompressConfig& config, const core::RunContext& context) {
  config.validate();
  const std::optional<Shard> shard = select_shard(config.shard, config.shard_count, config.merge, "compress");
  if (shard && config.out.empty()) {
    throw core::UsageError("--out: a shard writes its layers into the directory the shards share; give --out");
  }
  std::optional<core::DirectoryLock> lock;
  if (!config.out.empty()) {
    core::guard_output_dir(config.out, core::kind::kCompression);
    if (config.merge && core::run_kind(config.out) != core::kind::kCompression) {
      throw core::UsageError(
          fmt::format("--merge: {} is not a compression directory; run the shards first", config.out.string()));
    }
  }
  ProbeModelSource source = config.source;
  source.compare = true;  // paired counts: every drop gets its interval
  // Looks at part of the test set need paired counts of a proportion, and a random order.
  const probes::Metric metric = probes::parse_classifier_metric(source.metric);
  const bool looks = config.first_look > 0 && (metric == probes::Metric::kAccuracy || metric == probes::Metric::kTop5);
  source.random_order = looks;
  const ProbeModel model = load_probe_model(source, context);
  check_scope(model.target, "all");  // a model with nothing to probe: UsageError naming its layers

  std::vector<Scope> scopes{Scope::all()};
  for (const auto& layer : model.target.probed_layers()) scopes.push_back(Scope::parse(layer));
  CompressResult result;
  result.model_kind = model.kind;
  result.task = model.task;
  result.seed = model.seed;
  result.classes = static_cast<int>(model.classes);
  result.metric = probes::metric_name(model.metric);
  result.max_drop = config.max_drop;
  result.roles = model.target.roles.label();
  result.exhaustive_evaluations = probes::count_evaluations(
      probes::compress_specs(model.target, config.probes, scopes, config.draws, config.levels));
  result.layers_total = static_cast<int>(scopes.size());

  std::string key;
  if (!config.out.empty()) {
    fs::create_directories(config.out / "layers");
    // Shards of one run share the directory; a whole run or a merge has it alone.
    lock.emplace(config.out, shard ? core::LockMode::kShared : core::LockMode::kExclusive);
    key = run_key(config, model);
    remove_final_outputs(config.out);  // a failed merge must not leave an earlier answer behind
    if (!config.merge) {
      core::Json config_json = config.to_json();
      config_json["seed"] = model.seed;  // the draws' seed: --seed, else the run's
      core::write_meta(config.out, core::kind::kCompression, {{"config", config_json}});
    }
  }
  log_reuse(model, scopes);

  // Progress by layer: how long a layer takes is known only once its answer is.
  train::ProgressBar bar("compress", static_cast<int64_t>(scopes.size()), context.progress);
  size_t scope_index = 0;
  int64_t evaluations = 0, before = 0;
  const auto show = [&] {
    bar.update(static_cast<int64_t>(scope_index), fmt::format("layer {}/{} {}, {} evaluations", scope_index + 1,
                                                              scopes.size(), scopes[scope_index].label(), evaluations));
  };
  probes::SweepContext sweep{model.task, model.seed};
  sweep.metric = model.metric;
  sweep.progress = [&](int64_t done, int64_t) {
    evaluations = before + done;
    show();
  };
  const probes::SweepRow intact = probes::intact_row(model.target, model.evaluate, sweep);
  probes::AdaptiveOptions adaptive{config.first_round,  config.exhaustive, model.independent_variants, &intact, {},
                                   model.evaluate_range};
  if (looks) adaptive.looks = look_sizes(config.first_look, intact.examples, model.batch);
  const probes::LevelJudge judge = probes::compress_judge(config.max_drop, config.first_round);

  std::vector<std::vector<probes::SweepRow>> scope_rows(scopes.size());
  std::vector<MissingUnit> missing;
  for (size_t k = 0; k < scopes.size(); ++k) {
    if (shard && !shard->owns(k)) continue;
    scope_index = k;
    show();
    const Scope& scope = scopes[k];
    const fs::path file = config.out.empty() ? fs::path() : layer_file(config.out, k, scope);
    std::optional<core::FileLock> layer_lock;
    if (!config.out.empty() && !config.merge) {
      layer_lock.emplace(config.out / "locks" / fmt::format("layer-{:03}.lock", k), core::LockMode::kExclusive,
                         scope.label(),
                         "is computing this layer (the same shard running twice?); wait for it to finish");
    }
    std::error_code ec;
    std::string why = "not computed";
    if (!file.empty() && fs::exists(file, ec)) {
      if (auto rows = read_layer(file, key, scope, &why)) {
        scope_rows[k] = std::move(*rows);
        ++result.layers_cached;
        continue;
      }
      if (!config.merge) spdlog::warn("{}: {}; computing the layer again", file.string(), why);
    }
    if (config.merge) {
      missing.push_back({k, scope.label(), why});
      continue;
    }
    std::vector<probes::SweepRow> rows = probes::run_adaptive_sweeps(
        model.target, probes::compress_specs(model.target, config.probes, {scope}, config.draws, config.levels),
        model.evaluate, sweep, judge, adaptive);
    rows.erase(rows.begin());  // the intact row, given
    before = evaluations;
    if (!file.empty()) write_layer(file, key, scope, rows);
    scope_rows[k] = std::move(rows);
    ++result.layers_run;
  }
  bar.finish();
  if (!missing.empty()) throw core::Error(describe_missing(missing, scopes.size(), "layers", config.out));
  if (result.layers_cached > 0) {
    spdlog::info("{} of {} layers computed, {} read from {}", result.layers_run,
                 result.layers_run + result.layers_cached, result.layers_cached, (config.out / "layers").string());
  }
  if (shard) {
    result.shard = shard->label();
    core::write_json(shard_record_path(config.out, *shard), {{"shard", result.shard},
                                                             {"layers_run", result.layers_run},
                                                             {"layers_cached", result.layers_cached},
                                                             {"host", core::host_name()}});
    return result;
  }

  result.rows = {intact};
  for (auto& rows : scope_rows) std::move(rows.begin(), rows.end(), std::back_inserter(result.rows));
  result.evaluations = static_cast<int64_t>(result.rows.size());
  result.intact = intact.value;
  result.examples = intact.examples;
  const bool proportion = model.metric == probes::Metric::kAccuracy || model.metric == probes::Metric::kTop5;
  const probes::Interval ci =
      proportion
          ? probes::wilson(std::llround(intact.value * static_cast<double>(intact.examples) / 100), intact.examples)
          : probes::Interval{std::nan(""), std::nan("")};
  result.intact_low = ci.low;
  result.intact_high = ci.high;
  result.layers =
      probes::answer_layers(result.rows, scopes, model.target, config.probes, config.max_drop, config.first_round);
  if (config.out.empty()) return result;

  if (config.plan) {
    const probes::Evaluation intact_eval{intact.value, intact.loss, intact.examples, 0, 0, 0};
    result.plan = make_plan(model, result.layers, config.levels.empty() ? probes::pruning_grid() : config.levels,
                            intact_eval, config.max_drop, config.out);
  }
  core::write_file_atomic(config.out / "results.csv", probes::rows_to_csv(result.rows));
  core::write_json(config.out / "compression.json", result.to_json());  // last: its presence means done
  return result;
}

CompressResult load_compress_result(const fs::path& dir) {
  core::open_run(dir, core::kind::kCompression, "DIR");
  const fs::path file = dir / "compression.json";
  return CompressResult::from_json(core::read_json(file), file.string());
}

namespace {

std::string level_cell(const probes::ProbeAnswer* a, const char* spec) {
  if (a == nullptr) return "";
  std::string cell = std::isnan(a->safe_level) ? "-" : fmt::format(fmt::runtime(spec), a->safe_level);
  if (a->next_verdict == "uncertain") cell += fmt::format(" ({}?)", fmt::format(fmt::runtime(spec), a->next_level));
  return cell;
}

std::string verdict_cell(const probes::ProbeAnswer* a) {
  if (a == nullptr) return "";
  const std::string verdict = std::isnan(a->safe_level) ? a->next_verdict : "safe";
  return fmt::format("{:.2f} {}", a->only_value(), verdict == "safe" ? "yes" : verdict == "failed" ? "no" : "?");
}

}  // namespace

std::string format_compress(const CompressResult& r) {
  if (!r.shard.empty()) {
    return fmt::format(
        "shard {}: {} of {} layers (the whole model counts as one); run {}, cached {}\n"
        "when every shard has finished: the same compress with --merge instead of --shard\n",
        r.shard, r.layers_run + r.layers_cached, r.layers_total, r.layers_run, r.layers_cached);
  }
  const bool points = r.metric != "loss";
  std::string out =
      fmt::format("{} on {} ({} examples): {} {:.4g}", r.model_kind, r.task, r.examples, r.metric, r.intact);
  if (!std::isnan(r.intact_low)) out += fmt::format(" [95% {:.2f}, {:.2f}]", r.intact_low, r.intact_high);
  out += fmt::format("; allowed drop {}; probed: {}; {} of {} evaluations",
                     points ? probes::points_text(r.max_drop) : fmt::format("{}", r.max_drop), r.roles, r.evaluations,
                     r.exhaustive_evaluations);
  if (const int64_t on_sample = r.sampled_evaluations(); on_sample > 0) {
    out += fmt::format(", {} decided on a sample of the test set", on_sample);
  }
  out += "\n";
  out +=
      "largest safe level of each probe: every level up to it within the allowed drop on its 95% interval; "
      "(x?): the next level's interval straddles the limit; binarize and shuffle: value, and whether it is "
      "within the limit\n";
  std::vector<std::string> probes, headers = {"layer", "type", "entries"};
  if (!r.layers.empty()) {
    for (const auto& p : r.layers.front().probes) {
      probes.push_back(p.probe);
      headers.push_back(p.probe);
      if (p.probe == "magnitude") headers.push_back("sparsity");
      if (p.probe == "noise") headers.push_back("a/σ(w)");
    }
  }
  core::TextTable table(headers, "ll");
  for (const auto& l : r.layers) {
    std::vector<std::string> row = {l.layer, l.module_type.empty() ? "-" : l.module_type, std::to_string(l.entries)};
    for (const auto& p : probes) {
      const probes::ProbeAnswer* a = l.find(p);
      const bool level_free = p == "binarize" || p == "shuffle";
      row.push_back(level_free ? verdict_cell(a) : level_cell(a, "{:.3g}"));
      if (p == "magnitude") row.push_back(a == nullptr ? "" : core::number_or_dash(a->sparsity, "{:.3f}"));
      if (p == "noise") {
        row.push_back(a == nullptr || !(l.sigma_w > 0) ? "-"
                                                       : core::number_or_dash(a->safe_level / l.sigma_w, "{:.3g}"));
      }
    }
    table.add(row);
  }
  out += table.str();
  if (r.plan) {
    const CompressPlan& p = *r.plan;
    out += fmt::format("plan: every layer at its safe magnitude pruning{}: {} {:.4g}, drop {:.3g}",
                       p.backoff_steps > 0 ? fmt::format(", backed off {} grid step(s)", p.backoff_steps) : "",
                       r.metric, p.value, p.drop);
    if (!std::isnan(p.drop_low)) out += fmt::format(" [95% {:.2f}, {:.2f}]", p.drop_low, p.drop_high);
    out +=
        fmt::format(" ({}); sparsity {:.3f} over the probed tensors -> pruned.pt, masks.pt\n", p.verdict, p.sparsity);
  }
  return out;
}

}  // namespace netprobe::experiments
