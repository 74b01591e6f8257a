#include "probes/sweep.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/errors.h"
#include "core/seeding.h"
#include "core/tensor_digest.h"
#include "probes/entry_picks.h"

namespace netprobe::probes {
namespace {

uint64_t bits_of(double x) {
  uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// A row waiting for its evaluation: that of the distinct network `network` (an index into the
// sweep's distinct networks, evaluated in the order they first appear).
struct Pending {
  size_t network = 0;
  SweepRow row;
};

}  // namespace

SweepSpec::SweepSpec(const ProbeDefinition& probe, const std::string& variant)
    : probe_(&probe),
      variant_(variant),
      pipeline_(probe.build(variant)),
      levels_(probe.default_levels),
      signed_(probe.signed_mode) {}

SweepSpec& SweepSpec::levels(std::vector<double> levels) {
  levels_ = std::move(levels);
  return *this;
}

SweepSpec& SweepSpec::full_only() { return with_signed(false); }

SweepSpec& SweepSpec::with_signed(bool on) {
  signed_ = on && probe_->signed_mode;
  return *this;
}

SweepSpec& SweepSpec::draws(int draws) {
  draws_ = draws;
  return *this;
}

SweepSpec& SweepSpec::scope(Scope scope) {
  scope_ = std::move(scope);
  return *this;
}

void SweepSpec::validate() const {
  probe_->check_levels(levels_);
  if (draws_ < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", draws_));
}

core::Json SweepRow::to_json() const {
  core::Json j = {{"task", task},
                  {"seed", seed},
                  {"probe", probe.name()},
                  {"variant", variant},
                  {"mode", to_string(mode)},
                  {"scope", scope.label()},
                  {"level", level},
                  {"draw", draw},
                  {metric_name(metric), value},
                  {"loss", loss},
                  {"changed", report.changed},
                  {"total", report.total},
                  {"zeros", report.zeros}};
  if (metric == Metric::kLoss) j["metric"] = metric_name(metric);
  if (has_counts()) {
    j["examples"] = examples;
    j["lost"] = lost;
    j["gained"] = gained;
    j["nonfinite"] = nonfinite;
    if (intact_right >= 0) j["intact_right"] = intact_right;
  }
  return j;
}

SweepRow SweepRow::from_json(const core::Json& j) {
  SweepRow r;
  r.task = j.at("task");
  r.seed = j.at("seed");
  r.probe = ProbeId::parse(j.at("probe"));
  r.variant = j.at("variant");
  r.mode = parse_mode(j.at("mode"));
  r.scope = Scope::parse(j.at("scope"));
  r.level = j.at("level");
  r.draw = j.at("draw");
  // A row names its metric by its value's key; the loss, whose key is the loss column's, says so.
  if (j.value("metric", std::string()) == metric_name(Metric::kLoss)) {
    r.metric = Metric::kLoss;
  } else {
    bool found = false;
    for (Metric m : {Metric::kAccuracy, Metric::kTop5, Metric::kMacroF1, Metric::kVarianceExplained}) {
      if (j.contains(metric_name(m))) r.metric = m, found = true;
    }
    if (!found) throw core::Error("a row without its metric (accuracy, top5, macro_f1, variance_explained)");
  }
  r.value = core::number_or_nan(j.at(metric_name(r.metric)));  // a diverged evaluation's NaN is written as null
  r.loss = core::number_or_nan(j.at("loss"));
  r.report = {j.at("total"), j.at("changed"), j.at("zeros")};
  if (j.contains("lost")) {
    core::read_field(j, "examples", r.examples);
    core::read_field(j, "lost", r.lost);
    core::read_field(j, "gained", r.gained);
    core::read_field(j, "nonfinite", r.nonfinite);
    if (j.contains("intact_right")) core::read_field(j, "intact_right", r.intact_right);
  }
  return r;
}

std::vector<SweepRow> rows_from_json(const core::Json& rows, const std::string& source) {
  try {
    std::vector<SweepRow> out;
    out.reserve(rows.size());
    for (const auto& row : rows) out.push_back(SweepRow::from_json(row));
    return out;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid rows ({})", source, core::first_line(e.what())));
  }
}

uint64_t draw_seed(uint64_t seed, const SweepSpec& spec, double level, int draw) {
  return core::derive_seed(seed, {core::tag_of(spec.probe().name), core::tag_of(spec.variant()),
                                  core::tag_of(spec.scope().label()), bits_of(level), static_cast<uint64_t>(draw)});
}

DrawVariants make_draw(const SweepSpec& spec, const core::NamedTensors& params, const Selection& selection,
                       double level, int draw, const SweepContext& context) {
  at::Generator gen = core::make_generator(draw_seed(context.seed, spec, level, draw));
  ProbeOutput out = apply_probe(spec.pipeline(), params, selection, level, gen);
  SweepRow row{context.task, context.seed, spec.probe(), spec.variant(), Mode::kFull, spec.scope(), level, draw};
  row.metric = context.metric;
  row.report = out.report;
  DrawVariants d;
  if (spec.evaluates(Mode::kSigned)) {
    SweepRow signed_row = row;
    signed_row.mode = Mode::kSigned;
    core::NamedTensors signed_tensors = signed_copy(out.tensors, selection);
    // The sign keeps zeros, so only `changed` needs recounting against the original.
    signed_row.report.changed = count_changed(signed_tensors, params, selection);
    d.variants.push_back(std::move(signed_tensors));
    d.rows.push_back(std::move(signed_row));
  }
  d.variants.push_back(std::move(out.tensors));
  d.rows.push_back(std::move(row));
  return d;
}

int64_t count_evaluations(const std::vector<SweepSpec>& specs) {
  int64_t n = 1;  // the unperturbed model
  for (const auto& spec : specs) {
    n += static_cast<int64_t>(spec.levels().size()) * spec.draws_run() * spec.modes();
  }
  return n;
}

std::vector<SweepRow> run_sweeps(const ProbeTarget& target, const std::vector<SweepSpec>& specs,
                                 const BatchEvaluator& evaluate, const SweepContext& context) {
  const core::NamedTensors& params = target.params;
  std::vector<Selection> selections;  // each spec's parts, resolved once
  for (const auto& spec : specs) {
    spec.validate();
    selections.push_back(target.select(spec.scope()));
  }
  const int64_t total = count_evaluations(specs);
  std::vector<SweepRow> rows;
  rows.reserve(static_cast<size_t>(total));
  // Probes often build the same network twice (a sign-preserving shuffle's signed network is the
  // binarized one; prune-then-shuffle B signed at p is signed pruning at p; every probe at level 0
  // is the intact model): each distinct network, by content digest, is evaluated once and its
  // evaluation written into every row that built it. A chunk is `chunk` distinct networks.
  // All reserved up front: small long-lived allocations made in between the chunks' large
  // short-lived ones kept the allocator from reusing their space (a study of one model peaked at
  // 454 MB instead of 327). A linear search of the digests costs ~1 ms for a study's 1405.
  std::vector<core::TensorDigest> networks;  // digests of the distinct networks, in first-seen order
  std::vector<Evaluation> evaluations;       // of the distinct networks evaluated so far
  std::vector<core::NamedTensors> batch;     // distinct networks not evaluated yet
  std::vector<Pending> pending;              // rows not written yet
  networks.reserve(static_cast<size_t>(total));
  evaluations.reserve(static_cast<size_t>(total));
  batch.reserve(static_cast<size_t>(context.chunk));
  pending.reserve(static_cast<size_t>(total));
  using Clock = std::chrono::steady_clock;
  double eval_seconds = 0;
  std::map<std::string, double> generate_seconds;
  const auto start = Clock::now();
  const auto flush = [&] {
    if (!batch.empty()) {
      const auto t0 = Clock::now();
      const std::vector<Evaluation> scores = evaluate(batch);
      eval_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      evaluations.insert(evaluations.end(), scores.begin(), scores.end());
      batch.clear();
    }
    for (auto& p : pending) {
      const Evaluation& e = evaluations.at(p.network);
      p.row.value = e.value;
      p.row.loss = e.loss;
      p.row.examples = e.examples;
      p.row.lost = e.lost;
      p.row.gained = e.gained;
      p.row.nonfinite = e.nonfinite;
      rows.push_back(std::move(p.row));
    }
    pending.clear();
    if (context.progress) context.progress(static_cast<int64_t>(rows.size()), total);
  };
  const auto add = [&](core::NamedTensors tensors, SweepRow row) {
    const core::TensorDigest digest = core::digest_of(tensors);
    const auto known = std::find(networks.begin(), networks.end(), digest);
    pending.push_back({static_cast<size_t>(known - networks.begin()), std::move(row)});
    if (known != networks.end()) return;
    networks.push_back(digest);
    batch.push_back(std::move(tensors));
    if (static_cast<int64_t>(batch.size()) >= context.chunk) flush();
  };

  SweepRow intact{context.task, context.seed, ProbeId::intact(), "-", Mode::kFull, Scope::all()};
  intact.metric = context.metric;
  for (const auto& [name, t] : params) intact.report.total += t.numel();
  add(params, intact);

  for (size_t s = 0; s < specs.size(); ++s) {
    const SweepSpec& spec = specs[s];
    const Selection& selection = selections[s];
    for (double level : spec.levels()) {
      for (int draw = 0; draw < spec.draws_run(); ++draw) {
        const auto g0 = Clock::now();
        DrawVariants d = make_draw(spec, params, selection, level, draw, context);
        generate_seconds[spec.probe().name + "/" + spec.variant()] +=
            std::chrono::duration<double>(Clock::now() - g0).count();
        for (size_t v = 0; v < d.rows.size(); ++v) add(std::move(d.variants[v]), std::move(d.rows[v]));
      }
    }
  }
  flush();
  const double total_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  spdlog::debug(
      "sweeps of {} seed {}: {} rows, {} distinct networks evaluated, in {:.2f}s ({:.2f}s evaluating, {:.2f}s "
      "generating variants)",
      context.task, context.seed, rows.size(), networks.size(), total_seconds, eval_seconds,
      total_seconds - eval_seconds);
  for (const auto& [probe, seconds] : generate_seconds) spdlog::trace("  {}: {:.3f}s generating", probe, seconds);
  return rows;
}

std::string rows_to_csv(const std::vector<SweepRow>& rows) {
  const Metric metric = rows.empty() ? Metric::kAccuracy : rows.front().metric;
  const bool counts = !rows.empty() && rows.front().has_counts();
  // With the loss as the metric, a separate loss column would repeat the value column.
  std::string csv = "task,seed,probe,variant,mode,scope,level,draw," + metric_name(metric) +
                    (metric == Metric::kLoss ? "" : ",loss") + ",changed,total,zeros" +
                    (counts ? ",examples,lost,gained,nonfinite,intact_right" : "") + "\n";
  for (const auto& r : rows) {
    if (r.metric != metric || r.has_counts() != counts) {
      throw core::Error("rows_to_csv: rows of two metrics (or with and without paired counts) in one table");
    }
    csv += fmt::format("{},{},{},{},{},{},{},{},{}", r.task, r.seed, r.probe.name(), r.variant, to_string(r.mode),
                       r.scope.label(), r.level, r.draw, r.value);
    if (metric != Metric::kLoss) csv += fmt::format(",{}", r.loss);
    csv += fmt::format(",{},{},{}", r.report.changed, r.report.total, r.report.zeros);
    if (counts) csv += fmt::format(",{},{},{},{},{}", r.examples, r.lost, r.gained, r.nonfinite, r.intact_right);
    csv += "\n";
  }
  return csv;
}

void write_rows_json(const std::vector<SweepRow>& rows, const std::function<void(std::string_view)>& sink) {
  if (rows.empty()) {
    sink("[]");
    return;
  }
  sink("[\n");
  std::string text;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string row = rows[i].to_json().dump(2);
    text = "  ";
    for (char c : row) {  // one level deeper inside the array
      text += c;
      if (c == '\n') text += "  ";
    }
    text += i + 1 < rows.size() ? ",\n" : "\n";
    sink(text);
  }
  sink("]");
}

std::string rows_to_json_text(const std::vector<SweepRow>& rows) {
  std::string text;
  write_rows_json(rows, [&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace netprobe::probes
