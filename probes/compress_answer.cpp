#include "probes/compress_answer.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"
#include "probes/binarize.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/prune_global.h"
#include "probes/prune_heads.h"
#include "probes/prune_structured.h"
#include "probes/shuffle.h"

namespace netprobe::probes {
namespace {

// The drop of one evaluation: paired when its evaluator compared it with the intact model example
// by example (accuracy, top-5), else the point alone (macro-F1, loss).
Drop drop_of_row(const SweepRow& row, const SweepRow& intact) {
  // Unchanged parameters compute the intact function itself: no drop, on any data.
  if (row.report.changed == 0) return {0, 0, 0, true};
  if (row.has_counts() && row.metric != Metric::kMacroF1 && row.metric != Metric::kLoss) {
    return paired_drop(row.lost, row.gained, row.examples);
  }
  const double d = drop_of(row.metric, intact.value, row.value);
  return {d, d, d, false};
}

Drop mean_drop_of(const std::vector<SweepRow>& rows, size_t count, const SweepRow& intact) {
  std::vector<Drop> draws;
  for (size_t i = 0; i < count && i < rows.size(); ++i) draws.push_back(drop_of_row(rows[i], intact));
  return mean_drop(draws);
}

// Whether a row was evaluated on a sample of the test set rather than all of it.
bool sampled(const SweepRow& row, const SweepRow& intact) {
  return row.report.changed > 0 && row.has_counts() && row.examples < intact.examples;
}

// The verdict the whole test set gives the mean of the first `count` rows, when their samples
// settle it (intervals.h: whole_set_verdict); unchanged parameters count as no drop on all of it.
std::optional<Verdict> settled_verdict(const std::vector<SweepRow>& rows, size_t count, const SweepRow& intact,
                                       double max_drop) {
  std::vector<SampledCounts> draws;
  for (size_t i = 0; i < count && i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    if (r.report.changed == 0) {
      draws.push_back({intact.examples, 0, 0});
    } else {
      draws.push_back({r.examples, r.lost, r.gained});
    }
  }
  return whole_set_verdict(draws, intact.examples, max_drop);
}

bool has_heads(const ProbeTarget& target, const Scope& scope) {
  const Selection s = target.select(scope);
  return std::any_of(s.parts.begin(), s.parts.end(), [](const auto& p) { return p.heads > 0; });
}

}  // namespace

const std::vector<CompressProbe>& compress_probes() {
  static const std::vector<CompressProbe> probes = {
      {"magnitude", &prune_probe(), "magnitude", false, false},
      {"random", &prune_probe(), "random", false, false},
      {"noise", &noise_probe(), "uniform", false, false},
      {"binarize", &binarize_probe(), "sign", false, false},
      {"shuffle", &shuffle_probe(), "B", false, false},
      {"structured", &prune_structured_probe(), "l1", false, false},
      {"structured-l2", &prune_structured_probe(), "l2", false, false},
      {"global", &prune_global_probe(), "magnitude", true, false},
      {"heads", &prune_heads_probe(), "l2", false, true},
  };
  return probes;
}

std::vector<std::string> default_compress_probes() { return {"magnitude", "random", "noise", "binarize", "shuffle"}; }

const CompressProbe& find_compress_probe(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& p : compress_probes()) {
    if (p.name == name) return p;
    names.push_back(p.name);
  }
  throw core::UsageError(
      fmt::format("--probes: unknown compression probe '{}' (known: {})", name, fmt::join(names, ", ")));
}

std::vector<SweepSpec> compress_specs(const ProbeTarget& target, const std::vector<std::string>& probes,
                                      const std::vector<Scope>& scopes, int draws, const std::vector<double>& levels) {
  for (const auto& name : probes) find_compress_probe(name);
  std::vector<SweepSpec> specs;
  for (const Scope& scope : scopes) {
    for (const CompressProbe& c : compress_probes()) {
      if (std::find(probes.begin(), probes.end(), c.name) == probes.end()) continue;
      if (c.whole_model_only && !scope.is_all()) continue;
      if (c.attention_only && !has_heads(target, scope)) continue;
      SweepSpec spec = SweepSpec(*c.probe, c.variant).full_only().draws(draws).scope(scope);
      if (!levels.empty() && c.probe->level.kind == LevelKind::kFraction) spec.levels(levels);
      specs.push_back(std::move(spec));
    }
  }
  return specs;
}

std::optional<LevelJudgement> first_round_judgement(const std::vector<SweepRow>& level_rows, const SweepRow& intact,
                                                    double max_drop, int first_round) {
  std::vector<SweepRow> full;
  for (const auto& r : level_rows) {
    if (r.mode == Mode::kFull) full.push_back(r);
  }
  const auto first = static_cast<size_t>(std::max(first_round, 1));
  if (full.size() < first) return std::nullopt;
  const Drop round = mean_drop_of(full, first, intact);
  if (std::any_of(full.begin(), full.end(), [&](const SweepRow& r) { return sampled(r, intact); })) {
    // On a sample: clear when the whole test set's verdicts are settled.
    const std::optional<Verdict> v = settled_verdict(full, first, intact, max_drop);
    bool each_safe = v == Verdict::kSafe;
    for (size_t i = 0; i < first && each_safe; ++i) {
      each_safe = settled_verdict({full[i]}, 1, intact, max_drop) == Verdict::kSafe;
    }
    if (v == Verdict::kFailed || each_safe) {
      return LevelJudgement{*v, round, static_cast<int>(first), first < full.size(), true};
    }
    return std::nullopt;
  }
  const Verdict v = verdict(round, max_drop);
  const bool each_safe =
      std::all_of(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(first),
                  [&](const SweepRow& r) { return verdict(drop_of_row(r, intact), max_drop) == Verdict::kSafe; });
  if (v == Verdict::kFailed || (v == Verdict::kSafe && each_safe)) {
    return LevelJudgement{v, round, static_cast<int>(first), first < full.size(), true};
  }
  return std::nullopt;
}

LevelJudgement judge_level(const std::vector<SweepRow>& level_rows, const SweepRow& intact, double max_drop,
                           int first_round) {
  if (auto decided = first_round_judgement(level_rows, intact, max_drop, first_round)) return *decided;
  std::vector<SweepRow> full;
  for (const auto& r : level_rows) {
    if (r.mode == Mode::kFull) full.push_back(r);
  }
  LevelJudgement j;
  j.drop = mean_drop_of(full, full.size(), intact);
  j.verdict = verdict(j.drop, max_drop);
  j.draws = static_cast<int>(full.size());
  if (std::any_of(full.begin(), full.end(), [&](const SweepRow& r) { return sampled(r, intact); })) {
    // On a sample, the verdict is the whole test set's when the sample settles it; else open.
    const std::optional<Verdict> v = settled_verdict(full, full.size(), intact, max_drop);
    j.settled = v.has_value();
    j.verdict = v.value_or(Verdict::kUncertain);
  }
  return j;
}

const ProbeAnswer* LayerAnswer::find(const std::string& probe) const {
  for (const auto& p : probes) {
    if (p.probe == probe) return &p;
  }
  return nullptr;
}

std::vector<LayerAnswer> answer_layers(const std::vector<SweepRow>& rows, const std::vector<Scope>& scopes,
                                       const ProbeTarget& target, const std::vector<std::string>& probes,
                                       double max_drop, int first_round) {
  const SweepRow& intact = rows.front();
  std::vector<LayerAnswer> out;
  for (const Scope& scope : scopes) {
    LayerAnswer a;
    a.layer = scope.label();
    if (const models::Layer* layer = target.layers.find(scope.label())) a.module_type = layer->module_type;
    const Selection selection = target.select(scope);
    a.entries = selection.entries();
    a.sigma_w = weight_sigma(target.params, selection);
    for (const CompressProbe& c : compress_probes()) {
      if (std::find(probes.begin(), probes.end(), c.name) == probes.end()) continue;
      // The probe's levels in the order they were run, each with its rows.
      std::vector<std::pair<double, std::vector<SweepRow>>> levels;
      for (const auto& r : rows) {
        if (r.probe != *c.probe || r.variant != c.variant || r.scope != scope) continue;
        if (levels.empty() || levels.back().first != r.level) levels.push_back({r.level, {}});
        levels.back().second.push_back(r);
      }
      if (levels.empty()) continue;  // not run for this scope
      ProbeAnswer p;
      p.probe = c.name;
      for (const auto& [level, level_rows] : levels) {
        p.evaluations += static_cast<int>(level_rows.size());
        if (!p.next_verdict.empty()) continue;  // past the answer: exhaustive rows, counted only
        const LevelJudgement j = judge_level(level_rows, intact, max_drop, first_round);
        // The draws the verdict rests on (the first round alone when it failed clearly), so an
        // early-stopped run and an exhaustive one report the same numbers.
        const auto judged = static_cast<size_t>(j.draws);
        double value = 0, zeros = 0;
        for (size_t i = 0; i < judged; ++i) {
          const SweepRow& r = level_rows[i];
          value += r.value / static_cast<double>(judged);
          zeros +=
              static_cast<double>(r.report.zeros) / static_cast<double>(r.report.total) / static_cast<double>(judged);
        }
        const double low = j.drop.has_interval ? j.drop.low : std::nan("");
        const double high = j.drop.has_interval ? j.drop.high : std::nan("");
        if (j.verdict != Verdict::kSafe) {
          p.next_level = level;
          p.next_verdict = verdict_name(j.verdict);
          p.next_value = value;
          p.next_drop = j.drop.point;
          p.next_drop_low = low;
          p.next_drop_high = high;
          continue;
        }
        p.safe_level = level;
        p.value = value;
        p.drop = j.drop.point;
        p.drop_low = low;
        p.drop_high = high;
        if (c.probe->level.kind == LevelKind::kFraction) p.sparsity = zeros;
      }
      a.probes.push_back(p);
    }
    out.push_back(std::move(a));
  }
  return out;
}

LevelJudge compress_judge(double max_drop, int first_round) {
  return [=](size_t, const std::vector<SweepRow>& level_rows, bool all_draws, const SweepRow& intact) {
    // An open question on a sample of the test set goes to the next look before more draws.
    const bool on_sample =
        std::any_of(level_rows.begin(), level_rows.end(), [&](const SweepRow& r) { return sampled(r, intact); });
    if (!all_draws) {
      const auto decided = first_round_judgement(level_rows, intact, max_drop, first_round);
      if (!decided) return on_sample ? LevelStep::kMoreExamples : LevelStep::kMoreDraws;
      return decided->verdict == Verdict::kSafe ? LevelStep::kNext : LevelStep::kStop;
    }
    const LevelJudgement j = judge_level(level_rows, intact, max_drop, first_round);
    if (!j.settled) return LevelStep::kMoreExamples;
    return j.verdict == Verdict::kSafe ? LevelStep::kNext : LevelStep::kStop;
  };
}

}  // namespace netprobe::probes
