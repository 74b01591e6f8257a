#include "probes/sweep.h"

#include <chrono>
#include <cstring>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "probes/catalog.h"
#include "probes/entry_picks.h"
#include "core/seeding.h"

namespace netprobe::probes {
namespace {

uint64_t bits_of(double x) {
  uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

int draws_of(const Probe& probe, const SweepSpec& spec) { return probe.stochastic ? std::max(spec.draws, 1) : 1; }

// A probed network waiting for evaluation, with the row that will describe it.
struct Pending {
  core::NamedTensors tensors;
  SweepRow row;
};

}  // namespace

core::Json SweepRow::to_json() const {
  return {{"task", task},
          {"seed", seed},
          {"probe", probe},
          {"variant", variant},
          {"mode", mode},
          {"scope", scope},
          {"level", level},
          {"draw", draw},
          {"accuracy", accuracy},
          {"loss", loss},
          {"changed", report.changed},
          {"total", report.total},
          {"zeros", report.zeros}};
}

SweepRow SweepRow::from_json(const core::Json& j) {
  SweepRow r;
  r.task = j.at("task");
  r.seed = j.at("seed");
  r.probe = j.at("probe");
  r.variant = j.at("variant");
  r.mode = j.at("mode");
  r.scope = j.at("scope");
  r.level = j.at("level");
  r.draw = j.at("draw");
  r.accuracy = core::number_or_nan(j.at("accuracy"));  // a diverged evaluation's NaN is written as null
  r.loss = core::number_or_nan(j.at("loss"));
  r.report = {j.at("total"), j.at("changed"), j.at("zeros")};
  return r;
}

uint64_t draw_seed(uint64_t seed, const SweepSpec& spec, double level, int draw) {
  return core::derive_seed(seed, {core::tag_of(spec.probe), core::tag_of(spec.variant),
                                  core::tag_of(spec.scope.label()), bits_of(level), static_cast<uint64_t>(draw)});
}

int64_t count_evaluations(const std::vector<SweepSpec>& specs) {
  int64_t n = 1;  // the unperturbed model
  for (const auto& spec : specs) {
    const int modes = (spec.full ? 1 : 0) + (spec.signed_ ? 1 : 0);
    n += static_cast<int64_t>(spec.levels.size()) * draws_of(make_probe(spec.probe, spec.variant), spec) * modes;
  }
  return n;
}

std::vector<SweepRow> run_sweeps(const core::NamedTensors& params, const std::vector<SweepSpec>& specs,
                                 const BatchEvaluator& evaluate, const SweepContext& context) {
  std::vector<Probe> probes;
  for (const auto& spec : specs) {
    validate_levels(spec.probe, spec.levels);
    probes.push_back(make_probe(spec.probe, spec.variant));
  }
  const int64_t total = count_evaluations(specs);
  std::vector<SweepRow> rows;
  rows.reserve(static_cast<size_t>(total));
  std::vector<Pending> pending;
  using Clock = std::chrono::steady_clock;
  double eval_seconds = 0;
  std::map<std::string, double> generate_seconds;
  const auto start = Clock::now();
  const auto flush = [&] {
    if (pending.empty()) return;
    const auto t0 = Clock::now();
    std::vector<core::NamedTensors> batch;
    batch.reserve(pending.size());
    for (auto& p : pending) batch.push_back(std::move(p.tensors));
    const auto metrics = evaluate(batch);
    eval_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    for (size_t i = 0; i < pending.size(); ++i) {
      pending[i].row.accuracy = metrics[i].accuracy;
      pending[i].row.loss = metrics[i].loss;
      rows.push_back(std::move(pending[i].row));
    }
    pending.clear();
    if (context.progress) context.progress(static_cast<int64_t>(rows.size()), total);
  };
  const auto add = [&](core::NamedTensors tensors, SweepRow row) {
    pending.push_back({std::move(tensors), std::move(row)});
    if (static_cast<int64_t>(pending.size()) >= context.chunk) flush();
  };

  SweepRow base{context.task, context.seed, "none", "-", "full", "all"};
  base.report.total = 0;
  for (const auto& [name, t] : params) base.report.total += t.numel();
  add(params, base);

  for (size_t s = 0; s < specs.size(); ++s) {
    const SweepSpec& spec = specs[s];
    const int draws = draws_of(probes[s], spec);
    for (double level : spec.levels) {
      for (int draw = 0; draw < draws; ++draw) {
        const auto g0 = Clock::now();
        at::Generator gen = core::make_generator(draw_seed(context.seed, spec, level, draw));
        ProbeOutput out = apply_probe(probes[s], params, spec.scope, level, gen);
        generate_seconds[spec.probe + "/" + spec.variant] += std::chrono::duration<double>(Clock::now() - g0).count();
        SweepRow row{context.task, context.seed, spec.probe, spec.variant, "full", spec.scope.label(), level, draw};
        row.report = out.report;
        if (spec.signed_) {
          SweepRow signed_row = row;
          signed_row.mode = "signed";
          core::NamedTensors signed_tensors = signed_copy(out.tensors, spec.scope);
          // The sign keeps zeros, so only `changed` needs recounting against the original.
          signed_row.report.changed = 0;
          for (size_t i = 0; i < params.size(); ++i) {
            if (spec.scope.selects(params[i].first)) {
              signed_row.report.changed += count_changed(signed_tensors[i].second, params[i].second);
            }
          }
          add(std::move(signed_tensors), std::move(signed_row));
        }
        if (spec.full) add(std::move(out.tensors), std::move(row));
      }
    }
  }
  flush();
  const double total_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  spdlog::debug("sweeps of {} seed {}: {} evaluations in {:.2f}s ({:.2f}s evaluating, {:.2f}s generating variants)",
                context.task, context.seed, rows.size(), total_seconds, eval_seconds, total_seconds - eval_seconds);
  for (const auto& [probe, seconds] : generate_seconds) spdlog::trace("  {}: {:.3f}s generating", probe, seconds);
  return rows;
}

std::string rows_to_csv(const std::vector<SweepRow>& rows, const std::string& metric) {
  std::string csv = "task,seed,probe,variant,mode,scope,level,draw," + metric + ",loss,changed,total,zeros\n";
  for (const auto& r : rows) {
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.task, r.seed, r.probe, r.variant, r.mode, r.scope,
                       r.level, r.draw, r.accuracy, r.loss, r.report.changed, r.report.total, r.report.zeros);
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
