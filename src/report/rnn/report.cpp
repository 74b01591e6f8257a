#include "report/rnn/report.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/json_io.h"
#include "core/run_dir.h"
#include "experiments/rnn/decode.h"
#include "experiments/rnn/memory.h"
#include "experiments/rnn/probe.h"
#include "experiments/rnn/theory.h"
#include "experiments/rnn/twins.h"
#include "models/rnn/overlap_theory.h"
#include "report/rnn/figures.h"

namespace fs = std::filesystem;

namespace netprobe::report {

std::vector<Figure> rnn_run_figures(const fs::path& dir, const std::string& kind) {
  const core::Json meta = core::open_run(dir, kind, "report");
  const fs::path result_path = dir / "result.json";
  std::vector<Figure> figures;
  if (kind == core::kind::kLowRankRnn) {
    const auto run = experiments::load_rnn_train_result(dir);
    const std::string label = run.config.label();
    figures = rnn_training_figures(run.records, run.config.rank, run.config.activation, label);
    const models::RnnTaskData task = run.config.task_data();
    torch::NoGradGuard no_grad;
    if (meta.value("space", std::string("network")) == "overlap") {  // the reduced model's own outputs
      figures.push_back(
          rnn_output_figure(models::latent_outputs(run.records.back().sigma, task.inputs, run.config.dynamics()),
                            task.targets, run.config.dt, label + " (overlap space)"));
    } else {
      experiments::RnnRun trained = experiments::load_rnn_run(dir);
      figures.push_back(rnn_output_figure(trained.rnn->forward(task.inputs), task.targets, run.config.dt, label));
    }
  } else if (kind == core::kind::kRnnTheory) {
    const auto r = experiments::TheoryResult::from_json(core::read_json(result_path), result_path.string());
    // Named without the config's own N: the theory spans the sizes measured.
    const std::string network =
        fmt::format("{}, R={}, {}", r.base.task_label(), r.base.rank, models::to_string(r.base.activation));
    figures = {rnn_theory_figure(r.comparisons, network + ", N varies")};
    const auto largest = std::max_element(r.comparisons.begin(), r.comparisons.end(),
                                          [](const auto& a, const auto& b) { return a.n < b.n; });
    if (largest != r.comparisons.end() && !largest->gd.empty()) {
      figures.push_back(rnn_trajectory_figure(*largest, r.integrator, r.base.rank, r.base.activation, network));
    }
    if (r.base.activation != models::RnnActivation::kLinear && r.comparisons.size() >= 2) {
      figures.push_back(rnn_closure_figure(r.comparisons, network + ", N varies"));
    }
  } else if (kind == core::kind::kRnnTwins) {
    const auto r = experiments::TwinsResult::from_json(core::read_json(result_path), result_path.string());
    const auto a = experiments::RnnRunConfig::from_json(meta.at("task_a"), (dir / "meta.json").string());
    figures = rnn_twins_figures(r, a.rank, a.activation, a.label());
  } else if (kind == core::kind::kRnnMemory) {
    const auto r = experiments::MemoryResult::from_json(core::read_json(result_path), result_path.string());
    const auto a = experiments::RnnRunConfig::from_json(meta.at("task_a"), (dir / "meta.json").string());
    figures = rnn_memory_figures(r.runs, a.rank, a.activation, a.label());
  } else if (kind == core::kind::kRnnProbe) {
    const auto r = experiments::RnnProbeResult::from_json(core::read_json(result_path), result_path.string());
    figures = rnn_probe_figures(r.rows, r.run.label());
  } else if (kind == core::kind::kRnnDecode) {
    const auto r = experiments::DecodeResult::from_json(core::read_json(result_path), result_path.string());
    const auto config = [&](const char* key) {
      return experiments::RnnRunConfig::from_json(meta.at(key), (dir / "meta.json").string());
    };
    const auto a1 = config("task_a1"), a2 = config("task_a2"), c = config("task_c");
    // Filter tasks differ only in c: "filter c=0.1 or 0.6, then 0.3" keeps the title on one line.
    const bool filters = a1.task == "filter" && a2.task == "filter" && c.task == "filter";
    const std::string tasks =
        filters ? fmt::format("filter c={:g} or {:g}, then {:g}", a1.decay, a2.decay, c.decay)
                : fmt::format("{} or {}, then {}", a1.task_label(), a2.task_label(), c.task_label());
    const std::string label =
        fmt::format("{}; N={}, R={}, {}", tasks, a1.n, a1.rank, models::to_string(a1.activation));
    figures = {rnn_decode_figure(r.scores, label, "decode", "netprobe's protocol")};
    if (!r.authors_scores.empty()) {
      figures.push_back(
          rnn_decode_figure(r.authors_scores, label, "decode_authors", "authors' protocol"));
    }
  } else {
    throw core::Error(fmt::format("{}: no RNN figures for a directory of kind '{}'", dir.string(), kind));
  }
  return figures;
}

}  // namespace netprobe::report
