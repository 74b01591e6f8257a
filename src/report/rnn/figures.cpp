#include "report/rnn/figures.h"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "probes/flip.h"
#include "probes/noise.h"
#include "probes/prune.h"

#include "probes/row_groups.h"
#include "report/line_figure.h"

namespace netprobe::report {
namespace {

using models::OverlapRecord;

std::vector<double> epochs_of(const std::vector<OverlapRecord>& records) {
  std::vector<double> x;
  for (const auto& r : records) x.push_back(r.epoch);
  return x;
}

std::vector<double> losses_of(const std::vector<OverlapRecord>& records) {
  std::vector<double> y;
  for (const auto& r : records) y.push_back(r.loss);
  return y;
}

// One series per upper-triangle overlap, optionally only the invisible ones; invisible dashed.
std::vector<Series> overlap_series(const std::vector<OverlapRecord>& records, int64_t rank,
                                   models::RnnActivation activation, bool invisible_only, const std::string& suffix,
                                   int color_offset = 0) {
  const models::OverlapLayout layout{rank};
  const torch::Tensor visible = models::visible_mask(rank, activation);
  const auto names = layout.entry_names();
  std::vector<Series> out;
  size_t name = 0;
  for (int64_t a = 0; a < layout.size(); ++a) {
    for (int64_t b = a; b < layout.size(); ++b, ++name) {
      const bool is_visible = visible[a][b].item<double>() > 0;
      if (invisible_only && is_visible) continue;
      Series s{names[name] + suffix, epochs_of(records), {}};
      for (const auto& r : records) s.y.push_back(r.sigma[a][b].item<double>());
      s.dash = is_visible ? 1 : 2;
      s.color = static_cast<int>(out.size()) + 1 + color_offset;
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace

std::vector<Figure> rnn_training_figures(const std::vector<OverlapRecord>& records, int64_t rank,
                                         models::RnnActivation activation, const std::string& label) {
  return {line_figure("loss", label + ": training loss", "epoch", "loss", {.log_y = true},
                      {{"loss", epochs_of(records), losses_of(records)}}),
          line_figure("overlaps", label + ": overlaps (solid: loss-visible, dashed: loss-invisible)", "epoch",
                      "overlap", {.key = "outside right"}, overlap_series(records, rank, activation, false, ""))};
}

Figure rnn_output_figure(const torch::Tensor& output, const torch::Tensor& target, double dt,
                         const std::string& label) {
  std::vector<Series> series;
  const int64_t trials = std::min<int64_t>(output.size(0), 3);
  for (int64_t k = 0; k < trials; ++k) {
    Series out{fmt::format("output (trial {})", k), {}, {}, "lines", static_cast<int>(k) + 1, 1};
    Series tgt{fmt::format("target (trial {})", k), {}, {}, "lines", static_cast<int>(k) + 1, 2};
    const auto y = output[k].to(torch::kFloat64).contiguous(), t = target[k].to(torch::kFloat64).contiguous();
    for (int64_t s = 0; s < y.size(0); ++s) {
      const double time = static_cast<double>(s + 1) * dt;
      out.x.push_back(time);
      out.y.push_back(y[s].item<double>());
      tgt.x.push_back(time);
      tgt.y.push_back(t[s].item<double>());
    }
    series.push_back(std::move(out));
    series.push_back(std::move(tgt));
  }
  return line_figure("output_vs_target", label + ": trained output (solid) against target (dashed)", "time t",
                     "readout", {.key = "outside right"}, series);
}

Figure rnn_theory_figure(const std::vector<experiments::TheoryComparison>& results, const std::string& label) {
  std::vector<Series> series;
  for (const auto& r : results) {
    Series s{fmt::format("N = {}", r.n), {}, r.overlap_error_by_epoch, "linespoints"};
    for (int e : r.epochs) s.x.push_back(e);
    series.push_back(std::move(s));
  }
  return line_figure("theory_error", label + ": overlap-space prediction vs full-N simulation", "epoch",
                     "max |dSigma| / max |Sigma|", {.log_y = true, .key = "bottom right"}, series);
}

Figure rnn_trajectory_figure(const experiments::TheoryComparison& c, models::Integrator integrator, int64_t rank,
                             models::RnnActivation activation, const std::string& label) {
  const std::string how = models::to_string(integrator);
  // The prediction's lines by overlap, then GD's points on top in the same colours (one key entry).
  std::vector<Series> series;
  const auto predicted = c.predicted.find(how);
  if (predicted != c.predicted.end()) series = overlap_series(predicted->second, rank, activation, false, "");
  bool first = true;
  for (auto& s : overlap_series(c.gd, rank, activation, false, "")) {
    s.label = first ? "GD (points)" : "";  // an empty title keeps the other points out of the key
    first = false;
    s.style = "points";
    series.push_back(std::move(s));
  }
  return line_figure(
      "trajectory",
      fmt::format("{} at N = {}: overlaps by GD (points) and predicted by the {} (lines)", label, c.n, how), "epoch",
      "overlap", {.key = "outside right"}, series);
}

Figure rnn_closure_figure(const std::vector<experiments::TheoryComparison>& results, const std::string& label) {
  Series measured{"first GD step: |dSigma theory - dSigma sim| / |dSigma sim|", {}, {}, "linespoints"};
  Series reference{"N^-1/2", {}, {}, "lines", 0, 2};
  for (const auto& r : results) {
    measured.x.push_back(static_cast<double>(r.n));
    measured.y.push_back(r.first_step_error);
    reference.x.push_back(static_cast<double>(r.n));
    reference.y.push_back(results.front().first_step_error *
                          std::sqrt(static_cast<double>(results.front().n) / static_cast<double>(r.n)));
  }
  const experiments::ClosureErrorFit fit = experiments::fit_first_step_error(results);
  Figure f = line_figure("closure_error", label + ": Gaussian closure, first-step error vs N", "N",
                         "relative error of the first step", {.log_y = true, .log_x = true}, {measured, reference});
  f.caption = "The closure's error on the first GD step against network size; the dashed line falls like N^-1/2. ";
  if (fit.power_law) {
    f.caption += fmt::format("The points follow a power law, N^{:.2f}.", fit.slope);
  } else if (fit.n.size() >= 3 && !std::isnan(fit.slope)) {
    f.caption += fmt::format("The points do not follow one power law (slopes between consecutive sizes {:.2f}).",
                             fmt::join(fit.local_slopes, ", "));
  } else if (!std::isnan(fit.slope)) {
    f.caption += fmt::format("Slope between the two sizes: {:.2f} (two sizes cannot show a power law).", fit.slope);
  }
  return f;
}

std::vector<Figure> rnn_twins_figures(const experiments::TwinsResult& r, int64_t rank, models::RnnActivation activation,
                                      const std::string& label) {
  Figure loss =
      line_figure("twins_loss", label + ": twins learning the new task; simulation (points), theory (lines)", "epoch",
                  "loss", {.log_y = true},
                  {{"original (sim)", epochs_of(r.original), losses_of(r.original), "points", 1},
                   {"twin (sim)", epochs_of(r.twin), losses_of(r.twin), "points", 2},
                   {"original (theory)", epochs_of(r.original_theory), losses_of(r.original_theory), "lines", 1},
                   {"twin (theory)", epochs_of(r.twin_theory), losses_of(r.twin_theory), "lines", 2}});
  std::vector<Series> invisible = overlap_series(r.original, rank, activation, true, " original");
  for (auto& s : invisible) s.dash = 1;
  for (auto& s : overlap_series(r.twin, rank, activation, true, " twin")) {
    s.dash = 2;  // same colour per overlap as the original's
    invisible.push_back(std::move(s));
  }
  return {loss, line_figure("twins_invisible", label + ": invisible overlaps (solid: original, dashed: twin)", "epoch",
                            "overlap", {.key = "outside right"}, invisible)};
}

std::vector<Figure> rnn_memory_figures(const std::vector<experiments::MemoryRun>& runs, int64_t rank,
                                       models::RnnActivation activation, const std::string& label) {
  std::vector<Series> loss, invisible;
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    // Time in units of eta * epochs, so runs at different eta line up.
    auto time_of = [&](const std::vector<OverlapRecord>& records) {
      std::vector<double> t = epochs_of(records);
      for (double& x : t) x *= run.eta;
      return t;
    };
    const std::string tag = fmt::format(" (eta={:g})", run.eta);
    loss.push_back({"loss" + tag, time_of(run.trajectory), losses_of(run.trajectory), "lines", static_cast<int>(i) + 1,
                    static_cast<int>(i) + 1});
    for (auto& s : overlap_series(run.trajectory, rank, activation, true, tag)) {
      s.x = time_of(run.trajectory);
      s.dash = static_cast<int>(i) + 1;
      invisible.push_back(std::move(s));
    }
  }
  // "A-B-A", a phase at another rate or with noisy targets marked: "A(x2, noise 0.1)" (titles stay short).
  std::vector<std::string> phases;
  for (const auto& e : runs.empty() ? std::vector<experiments::MemoryPhaseEnd>{} : runs.front().phases) {
    std::string mark;
    if (e.phase.rate != 1) mark += fmt::format("x{:g}", e.phase.rate);
    if (e.phase.target_noise > 0) mark += fmt::format("{}noise {:g}", mark.empty() ? "" : ", ", e.phase.target_noise);
    phases.push_back(mark.empty() ? std::string(1, e.phase.task) : fmt::format("{}({})", e.phase.task, mark));
  }
  const std::string sequence = fmt::format("{}", fmt::join(phases, "-"));
  return {
      line_figure("memory_loss", label + ": loss of the task in training, " + sequence,
                  "learning time eta x epochs (eta of the run)", "loss", {.log_y = true, .key = "outside right"}, loss),
      line_figure("memory_invisible", label + ": invisible overlaps, " + sequence,
                  "learning time eta x epochs (eta of the run)", "overlap", {.key = "outside right"}, invisible)};
}

namespace {

Figure probe_figure(const std::vector<probes::SweepRow>& rows, const probes::ProbeDefinition& probe,
                    const std::string& xlabel, const std::string& label) {
  // The (variant, mode, scope) combinations of this probe, in label order.
  std::map<std::string, probes::RowSelection> selections;
  for (const auto& r : rows) {
    if (r.probe == probe) {
      selections[fmt::format("{} {} [{}]", r.variant, probes::to_string(r.mode), r.scope.label())] = {
          r.probe, r.variant, r.mode, r.scope};
    }
  }
  std::vector<Series> out;
  for (const auto& [name, selection] : selections) {
    Series s{name, {}, {}, "linespoints"};
    for (const auto& p : probes::pooled_curve(rows, selection)) {
      s.x.push_back(p.level);
      s.y.push_back(p.value.median);
    }
    out.push_back(std::move(s));
  }
  return line_figure("rnn_" + probe.name, label + ": " + probe.name + ", variance explained (median over draws)",
                     xlabel, "variance explained (%)", {.log_x = probe.log_axis(), .key = "bottom left"}, out);
}

}  // namespace

Figure rnn_decode_figure(const std::vector<experiments::DecodeScore>& scores, const std::string& label,
                         const std::string& name, const std::string& protocol) {
  Figure f;
  f.name = name;
  f.title = label + ": first task decoded";
  f.data = "# index overlaps accuracy shuffled_mean shuffled_sd (percent)\n";
  for (size_t i = 0; i < scores.size(); ++i) {
    const auto& s = scores[i];
    f.data += fmt::format("{} \"{} ({})\" {} {} {}\n", i, s.features, s.entries.size(), 100 * s.accuracy,
                          100 * s.shuffled_mean, 100 * s.shuffled_sd);
  }
  f.width = 700;
  f.script = fmt::format(
      "set title {0}\nset style fill solid 0.7 border -1\nset boxwidth 0.38\nset yrange [0:105]\n"
      "set ylabel {3}\nset grid ytics\nset xrange [-0.6:{1}]\nset key outside bottom center "
      "horizontal\n"
      "plot '{2}.dat' using ($1-0.2):3:xtic(2) with boxes lc 1 title 'decoder', "
      "'' using ($1+0.2):4 with boxes lc 3 title 'shuffled labels (mean, sd)', "
      "'' using ($1+0.2):4:5 with yerrorbars lc black pt 0 notitle, 50 with lines dt 2 lc black title 'chance'\n",
      gp_quote(f.title), static_cast<double>(scores.size()) - 0.4, f.name,
      gp_quote("held-out accuracy (%), " + protocol));
  f.caption =
      "Twins start from one network, learn different first tasks, then the same task. Bars: how often a linear "
      "decoder trained on other pairs tells the first task from each set of overlaps (" +
      protocol + "); the shuffled-label bars are "
      "its chance level. History recorded in the connectivity shows as an invisible bar well above its control; a "
      "visible bar above its control means the common task left the visible overlaps at history-dependent points "
      "of its solution set.";
  return f;
}

std::vector<Figure> rnn_probe_figures(const std::vector<probes::SweepRow>& rows, const std::string& label) {
  return {probe_figure(rows, probes::prune_probe(), probes::prune_probe().level.axis_label, label),
          probe_figure(rows, probes::noise_probe(), "Gaussian noise sigma", label),
          probe_figure(rows, probes::flip_probe(), probes::flip_probe().level.axis_label, label)};
}

}  // namespace netprobe::report
