// `netprobe rnn probe`: the probes on a trained RNN's vectors, scored by the task loss.
#include <fmt/format.h>

#include "probes/rnn_probes.h"
#include "probes/score.h"
#include "src/cli/cmd_rnn.h"
#include "src/cli/rnn_options.h"
#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/report/line_figure.h"

namespace netprobe::cli {
namespace {

// Explained % against level for one probe, one series per variant x mode x scope (median of draws).
report::Figure probe_figure(const std::vector<probes::SweepRow>& rows, const std::string& probe,
                            const std::string& xlabel, bool log_x) {
  std::map<std::string, std::map<double, std::vector<double>>> series;
  for (const auto& r : rows) {
    if (r.probe != probe) continue;
    series[fmt::format("{} {} [{}]", r.variant, r.mode, r.scope)][r.level].push_back(r.accuracy);
  }
  std::vector<report::Series> out;
  for (auto& [label, levels] : series) {
    report::Series s{label, {}, {}, "linespoints"};
    for (auto& [level, values] : levels) {
      s.x.push_back(level);
      s.y.push_back(probes::spread(values).median);
    }
    out.push_back(std::move(s));
  }
  return report::line_figure("rnn_" + probe, "RNN " + probe + ": variance explained (median over draws)", xlabel,
                             "variance explained (%)", {.log_x = log_x, .key = "bottom left"}, out);
}

}  // namespace

Command setup_rnn_probe(CLI::App* rnn, const GlobalOptions& /*global*/) {
  CLI::App* cmd = rnn->add_subcommand("probe", "Prune, binarize, add noise, flip and shuffle a trained RNN's vectors");
  auto model = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto scopes = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"U+V", "all"});
  auto profile = std::make_shared<bool>(false);
  cmd->add_option("--model", *model, "Run directory of `netprobe rnn train`")->required();
  cmd->add_option("--scopes", *scopes, "Vectors to probe: U+V (connectivity), all, or any of m, U, V, z joined by +")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--profile", *profile, "Also probe m, U, V and z one at a time");
  cmd->add_option("--out", *out, "Directory for rows.csv, summary.json and figures/")->required();
  return {cmd, [model, out, scopes, profile] {
            const models::RnnRun run = models::load_rnn_run(*model);
            std::vector<std::string> layers;
            for (const auto& s : *scopes) {
              const probes::Scope scope{s == "all" ? "" : s};
              for (const auto& part : scope.names()) {
                if (part != "m" && part != "U" && part != "V" && part != "z") {
                  throw core::UsageError(fmt::format("--scopes: unknown vector '{}' in '{}' (m, U, V, z, all)", part, s));
                }
              }
              layers.push_back(scope.layer);
            }
            if (*profile) layers.insert(layers.end(), {"m", "U", "V", "z"});
            const models::RnnTaskData task = run.config.task_data();
            const auto evaluate = probes::rnn_evaluator(run.config, task);
            core::StagedDirectory staged(*out);
            const auto rows = probes::run_sweeps(core::parameters_of(*run.rnn), probes::rnn_sweeps(layers), evaluate,
                                                 {run.config.task, run.config.seed});
            const auto summary = probes::summarize_rnn_probes(rows);
            core::write_file_atomic(staged.staging() / "rows.csv", probes::rows_to_csv(rows));
            core::Json js = core::Json::array();
            std::cout << fmt::format("rnn probe {} ({} N={} R={}), variance explained %: trained {:.2f}\n",
                                     run.config.task, models::to_string(run.config.activation), run.config.n,
                                     run.config.rank, summary.empty() ? 0.0 : summary.front().full);
            std::cout << fmt::format("{:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>13} {:>9}\n", "scope", "sign", "scaled",
                                     "shuf A", "shuf B", "prune p90", "prune>sign90", "noise90");
            for (const auto& s : summary) {
              js.push_back({{"scope", s.scope}, {"full", s.full}, {"binarized", s.binarized},
                            {"binarized_scaled", s.binarized_scaled}, {"shuffled_a", s.shuffled_a},
                            {"shuffled_b", s.shuffled_b}, {"max_prune_keeping_90pct", s.max_prune},
                            {"max_prune_signed_keeping_90pct", s.max_prune_signed},
                            {"max_noise_keeping_90pct", s.max_noise}});
              std::cout << fmt::format("{:>6} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>10.3g} {:>13.3g} {:>9.3g}\n", s.scope,
                                       s.binarized, s.binarized_scaled, s.shuffled_a, s.shuffled_b, s.max_prune,
                                       s.max_prune_signed, s.max_noise);
            }
            core::write_json(staged.staging() / "summary.json",
                             {{"model", *model}, {"config", run.config.to_json()}, {"scopes", js},
                              {"evaluations", rows.size()}});
            write_figures(staged.staging(), {probe_figure(rows, "prune", "fraction pruned p", false),
                                             probe_figure(rows, "noise", "Gaussian noise sigma", true),
                                             probe_figure(rows, "flip", "fraction of signs flipped q", false)});
            staged.commit();
            std::cout << fmt::format("{} evaluations -> {}\n", rows.size(), *out);
          }};
}

}  // namespace netprobe::cli
