#include "probes/adaptive_sweep.h"

#include <algorithm>
#include <iterator>

#include "core/seeding.h"
#include "probes/entry_picks.h"

namespace netprobe::probes {
namespace {

// Where a spec is: its current level and how many of that level's draws are done.
struct Cursor {
  size_t level = 0;
  int draws_done = 0;
  bool active = true;
};

// Copies an evaluation's numbers into its row.
void fill_row(SweepRow& row, const Evaluation& e) {
  row.value = e.value;
  row.loss = e.loss;
  row.examples = e.examples;
  row.lost = e.lost;
  row.gained = e.gained;
  row.nonfinite = e.nonfinite;
}

}  // namespace

SweepRow intact_row(const ProbeTarget& target, const BatchEvaluator& evaluate, const SweepContext& context) {
  SweepRow row{context.task, context.seed, ProbeId::intact(), "-", Mode::kFull, Scope::all()};
  row.metric = context.metric;
  for (const auto& [name, t] : target.params) row.report.total += t.numel();
  fill_row(row, evaluate({target.params}).front());
  return row;
}

std::vector<SweepRow> run_adaptive_sweeps(const ProbeTarget& target, const std::vector<SweepSpec>& specs,
                                          const BatchEvaluator& evaluate, const SweepContext& context,
                                          const LevelJudge& judge, const AdaptiveOptions& options) {
  const core::NamedTensors& params = target.params;
  std::vector<Selection> selections;
  for (const auto& spec : specs) {
    spec.validate();
    selections.push_back(target.select(spec.scope()));
  }
  const int64_t total = count_evaluations(specs);
  int64_t done = 0;
  // Evaluates a group of variants in one call and fills their rows.
  const auto run_group = [&](std::vector<core::NamedTensors> variants, std::vector<SweepRow>& rows) {
    const std::vector<Evaluation> scores = evaluate(variants);
    for (size_t i = 0; i < rows.size(); ++i) fill_row(rows[i], scores[i]);
    done += static_cast<int64_t>(rows.size());
    if (context.progress) context.progress(done, total);
  };

  std::vector<SweepRow> intact{options.intact != nullptr ? *options.intact : intact_row(target, evaluate, context)};
  if (options.intact == nullptr) done = 1;

  // rows[s][l]: the rows of spec s, level l, in draw order (signed before full within a draw).
  std::vector<std::vector<std::vector<SweepRow>>> rows(specs.size());
  std::vector<Cursor> cursors(specs.size());
  for (size_t s = 0; s < specs.size(); ++s) rows[s].resize(specs[s].levels().size());
  // The specs of each scope, scopes in the order they first appear.
  std::vector<std::vector<size_t>> by_scope;
  for (size_t s = 0; s < specs.size(); ++s) {
    auto same = std::find_if(by_scope.begin(), by_scope.end(),
                             [&](const auto& group) { return specs[group.front()].scope() == specs[s].scope(); });
    if (same == by_scope.end()) {
      by_scope.push_back({s});
    } else {
      same->push_back(s);
    }
  }
  for (const std::vector<size_t>& group : by_scope) {
    while (std::any_of(group.begin(), group.end(), [&](size_t s) { return cursors[s].active; })) {
      // One round of every active spec: its next draws of its current level.
      struct Round {
        size_t spec;
        std::vector<core::NamedTensors> variants;
        std::vector<SweepRow> rows;
      };
      std::vector<Round> pass;
      for (size_t s : group) {
        Cursor& cursor = cursors[s];
        if (!cursor.active) continue;
        const SweepSpec& spec = specs[s];
        const double level = spec.levels()[cursor.level];
        const int draws = spec.draws_run();
        const int upto = options.exhaustive || cursor.draws_done > 0 ? draws : std::min(draws, options.first_round);
        Round round{s, {}, {}};
        for (int draw = cursor.draws_done; draw < upto; ++draw) {
          DrawVariants d = make_draw(spec, params, selections[s], level, draw, context);
          std::move(d.variants.begin(), d.variants.end(), std::back_inserter(round.variants));
          std::move(d.rows.begin(), d.rows.end(), std::back_inserter(round.rows));
        }
        cursor.draws_done = upto;
        pass.push_back(std::move(round));
      }
      if (options.merge_rounds) {
        std::vector<core::NamedTensors> variants;
        std::vector<SweepRow> merged;
        for (auto& r : pass) {
          std::move(r.variants.begin(), r.variants.end(), std::back_inserter(variants));
          merged.insert(merged.end(), r.rows.begin(), r.rows.end());
        }
        run_group(std::move(variants), merged);
        size_t next = 0;
        for (auto& r : pass) {
          for (auto& row : r.rows) row = merged[next++];
        }
      } else {
        for (auto& r : pass) run_group(std::move(r.variants), r.rows);
      }
      for (auto& r : pass) {
        Cursor& cursor = cursors[r.spec];
        const SweepSpec& spec = specs[r.spec];
        auto& level_rows = rows[r.spec][cursor.level];
        level_rows.insert(level_rows.end(), r.rows.begin(), r.rows.end());
        const bool all_draws = cursor.draws_done == spec.draws_run();
        const LevelStep step = options.exhaustive ? LevelStep::kNext : judge(r.spec, level_rows, all_draws, intact[0]);
        if (step == LevelStep::kMoreDraws && !all_draws) continue;
        if (step == LevelStep::kStop || cursor.level + 1 == spec.levels().size()) {
          cursor.active = false;
        } else {
          ++cursor.level;
          cursor.draws_done = 0;
        }
      }
    }
  }
  std::vector<SweepRow> out = std::move(intact);
  for (const auto& spec_rows : rows) {
    for (const auto& level_rows : spec_rows) out.insert(out.end(), level_rows.begin(), level_rows.end());
  }
  return out;
}

}  // namespace netprobe::probes
