#include "probes/adaptive_sweep.h"

#include <algorithm>

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

}  // namespace

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
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i].value = scores[i].value;
      rows[i].loss = scores[i].loss;
      rows[i].examples = scores[i].examples;
      rows[i].lost = scores[i].lost;
      rows[i].gained = scores[i].gained;
      rows[i].nonfinite = scores[i].nonfinite;
    }
    done += static_cast<int64_t>(rows.size());
    if (context.progress) context.progress(done, total);
  };

  std::vector<SweepRow> intact(1);
  intact[0] = {context.task, context.seed, ProbeId::intact(), "-", Mode::kFull, Scope::all()};
  intact[0].metric = context.metric;
  for (const auto& [name, t] : params) intact[0].report.total += t.numel();
  run_group({params}, intact);

  // rows[s][l]: the rows of spec s, level l, in draw order (signed before full within a draw).
  std::vector<std::vector<std::vector<SweepRow>>> rows(specs.size());
  std::vector<Cursor> cursors(specs.size());
  for (size_t s = 0; s < specs.size(); ++s) rows[s].resize(specs[s].levels().size());
  while (std::any_of(cursors.begin(), cursors.end(), [](const Cursor& c) { return c.active; })) {
    for (size_t s = 0; s < specs.size(); ++s) {
      Cursor& cursor = cursors[s];
      if (!cursor.active) continue;
      const SweepSpec& spec = specs[s];
      const double level = spec.levels()[cursor.level];
      const int draws = spec.draws_run();
      const int upto = options.exhaustive || cursor.draws_done > 0 ? draws : std::min(draws, options.first_round);
      std::vector<core::NamedTensors> variants;
      std::vector<SweepRow> round;
      for (int draw = cursor.draws_done; draw < upto; ++draw) {
        at::Generator gen = core::make_generator(draw_seed(context.seed, spec, level, draw));
        ProbeOutput out = apply_probe(spec.pipeline(), params, selections[s], level, gen);
        SweepRow row{context.task, context.seed, spec.probe(), spec.variant(), Mode::kFull, spec.scope(), level, draw};
        row.metric = context.metric;
        row.report = out.report;
        if (spec.evaluates(Mode::kSigned)) {
          SweepRow signed_row = row;
          signed_row.mode = Mode::kSigned;
          core::NamedTensors signed_tensors = signed_copy(out.tensors, selections[s]);
          signed_row.report.changed = count_changed(signed_tensors, params, selections[s]);
          variants.push_back(std::move(signed_tensors));
          round.push_back(std::move(signed_row));
        }
        variants.push_back(std::move(out.tensors));
        round.push_back(std::move(row));
      }
      run_group(std::move(variants), round);
      auto& level_rows = rows[s][cursor.level];
      level_rows.insert(level_rows.end(), round.begin(), round.end());
      cursor.draws_done = upto;
      const bool all_draws = upto == draws;
      const LevelStep step = options.exhaustive ? LevelStep::kNext : judge(s, level_rows, all_draws, intact[0]);
      if (step == LevelStep::kMoreDraws && !all_draws) continue;
      if (step == LevelStep::kStop || cursor.level + 1 == spec.levels().size()) {
        cursor.active = false;
      } else {
        ++cursor.level;
        cursor.draws_done = 0;
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
