#include "probes/adaptive_sweep.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "core/seeding.h"
#include "probes/entry_picks.h"

namespace netprobe::probes {
namespace {

// Where a spec is: its current level, how many of that level's draws are done, on how many
// examples, and (with looks) the draws' variants, to evaluate them on more.
struct Cursor {
  size_t level = 0;
  int draws_done = 0;
  bool active = true;
  int64_t examples = 0;  // 0: the level has not started
  bool more_examples = false;
  std::vector<core::NamedTensors> variants;
};

// Copies an evaluation's numbers into its row.
void fill_row(SweepRow& row, const Evaluation& e) {
  row.value = e.value;
  row.loss = e.loss;
  row.examples = e.examples;
  row.lost = e.lost;
  row.gained = e.gained;
  row.nonfinite = e.nonfinite;
  row.intact_right = e.intact_right;
}

}  // namespace

void add_examples(SweepRow& row, const Evaluation& more) {
  if (!row.has_counts() || more.lost < 0 || row.intact_right < 0 || more.intact_right < 0 ||
      (row.metric != Metric::kAccuracy && row.metric != Metric::kTop5)) {
    throw std::logic_error("add_examples: rows of accuracy or top-5 with paired counts only");
  }
  const int64_t n = row.examples + more.examples;
  row.loss = (row.loss * static_cast<double>(row.examples) + more.loss * static_cast<double>(more.examples)) /
             static_cast<double>(n);
  row.examples = n;
  row.lost += more.lost;
  row.gained += more.gained;
  row.nonfinite += more.nonfinite;
  row.intact_right += more.intact_right;
  // As ClassifierTally computes it from the examples it got right.
  row.value = 100.0 * static_cast<double>(row.intact_right - row.lost + row.gained) / static_cast<double>(n);
}

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
  std::vector<SweepRow> intact{options.intact != nullptr ? *options.intact : intact_row(target, evaluate, context)};
  if (options.intact == nullptr) done = 1;
  // The looks at the test set: samples of it, then all of it.
  const int64_t all_examples = intact[0].examples;
  std::vector<int64_t> looks;
  if (!options.exhaustive && options.evaluate_range) {
    for (int64_t n : options.looks) {
      if (n > 0 && n < all_examples && (looks.empty() || n > looks.back())) looks.push_back(n);
    }
  }
  looks.push_back(all_examples);
  const auto next_look = [&](int64_t done_examples) {
    return *std::upper_bound(looks.begin(), looks.end(), done_examples);
  };
  const auto evaluate_on = [&](const std::vector<core::NamedTensors>& variants, int64_t first, int64_t last) {
    return first == 0 && last == all_examples ? evaluate(variants) : options.evaluate_range(variants, first, last);
  };

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
      // One round of every active spec: its next draws of its current level on the examples its
      // earlier draws have seen, or its draws so far on the next look's further examples.
      struct Round {
        size_t spec;
        std::vector<core::NamedTensors> variants;
        std::vector<SweepRow> rows;  // new draws' rows (empty when the round adds examples)
        int64_t first, last;         // the examples evaluated
        std::vector<Evaluation> scores;
      };
      std::vector<Round> pass;
      for (size_t s : group) {
        Cursor& cursor = cursors[s];
        if (!cursor.active) continue;
        if (cursor.examples == 0) cursor.examples = looks.front();
        if (cursor.more_examples) {
          const int64_t first = cursor.examples;
          cursor.examples = next_look(first);
          pass.push_back({s, cursor.variants, {}, first, cursor.examples, {}});
          continue;
        }
        const SweepSpec& spec = specs[s];
        const double level = spec.levels()[cursor.level];
        const int draws = spec.draws_run();
        const int upto = options.exhaustive || cursor.draws_done > 0 ? draws : std::min(draws, options.first_round);
        Round round{s, {}, {}, 0, cursor.examples, {}};
        for (int draw = cursor.draws_done; draw < upto; ++draw) {
          DrawVariants d = make_draw(spec, params, selections[s], level, draw, context);
          std::move(d.variants.begin(), d.variants.end(), std::back_inserter(round.variants));
          std::move(d.rows.begin(), d.rows.end(), std::back_inserter(round.rows));
        }
        if (looks.size() > 1)
          cursor.variants.insert(cursor.variants.end(), round.variants.begin(), round.variants.end());
        cursor.draws_done = upto;
        pass.push_back(std::move(round));
      }
      // Rounds on the same examples in one call when merging, else each in its own.
      for (size_t i = 0; i < pass.size();) {
        size_t end = i + 1;
        while (options.merge_rounds && end < pass.size() && pass[end].first == pass[i].first &&
               pass[end].last == pass[i].last) {
          ++end;
        }
        std::vector<core::NamedTensors> variants;
        for (size_t r = i; r < end; ++r)
          variants.insert(variants.end(), pass[r].variants.begin(), pass[r].variants.end());
        const std::vector<Evaluation> scores = evaluate_on(variants, pass[i].first, pass[i].last);
        size_t next = 0;
        for (size_t r = i; r < end; ++r) {
          pass[r].scores.assign(scores.begin() + static_cast<std::ptrdiff_t>(next),
                                scores.begin() + static_cast<std::ptrdiff_t>(next + pass[r].variants.size()));
          next += pass[r].variants.size();
          if (!pass[r].rows.empty()) done += static_cast<int64_t>(pass[r].rows.size());
        }
        if (context.progress) context.progress(done, total);
        i = end;
      }
      for (auto& r : pass) {
        Cursor& cursor = cursors[r.spec];
        const SweepSpec& spec = specs[r.spec];
        auto& level_rows = rows[r.spec][cursor.level];
        if (cursor.more_examples) {
          for (size_t i = 0; i < r.scores.size(); ++i) add_examples(level_rows[i], r.scores[i]);
        } else {
          for (size_t i = 0; i < r.rows.size(); ++i) {
            fill_row(r.rows[i], r.scores[i]);
            // Unchanged parameters compute the intact function: on a sample, the whole set's numbers are the
            // intact row's (a sample's accuracy there would draw a point that is not the model's).
            if (r.rows[i].report.changed == 0 && r.rows[i].examples < all_examples) {
              const SweepRow& whole = intact[0];
              r.rows[i].value = whole.value, r.rows[i].loss = whole.loss, r.rows[i].examples = whole.examples;
              r.rows[i].lost = 0, r.rows[i].gained = 0, r.rows[i].nonfinite = whole.nonfinite;
              r.rows[i].intact_right = whole.intact_right;
            }
          }
          level_rows.insert(level_rows.end(), r.rows.begin(), r.rows.end());
        }
        cursor.more_examples = false;
        const bool all_draws = cursor.draws_done == spec.draws_run();
        const LevelStep step = options.exhaustive ? LevelStep::kNext : judge(r.spec, level_rows, all_draws, intact[0]);
        if (step == LevelStep::kMoreExamples) {
          if (cursor.examples == all_examples) throw std::logic_error("judge asked for more examples than there are");
          cursor.more_examples = true;
          continue;
        }
        if (step == LevelStep::kMoreDraws && !all_draws) continue;
        if (step == LevelStep::kStop || cursor.level + 1 == spec.levels().size()) {
          cursor.active = false;
        } else {
          ++cursor.level;
          cursor.draws_done = 0;
        }
        cursor.examples = 0;
        cursor.variants.clear();
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
