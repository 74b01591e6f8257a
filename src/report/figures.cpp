#include "report/figures.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "experiments/study_tasks.h"
#include "probes/binarize.h"
#include "probes/flip.h"
#include "probes/noise.h"
#include "probes/prune.h"
#include "probes/prune_shuffle.h"
#include "probes/score.h"
#include "probes/shuffle.h"
#include "report/layer_curves.h"

namespace fs = std::filesystem;

namespace netprobe::report {
namespace {

using probes::CurvePoint;
using probes::SweepRow;

constexpr size_t kMaxPanels = 4;  // tasks per multi-panel figure

// A figure's data file is a sequence of gnuplot blocks; each add() returns its index.
class Blocks {
 public:
  int add(const std::string& comment, const std::string& body) {
    text_ += fmt::format("# {}\n{}\n\n", comment, body);
    return count_++;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  int count_ = 0;
};

std::string curve_body(const std::vector<CurvePoint>& c) {
  std::string s;
  for (const auto& p : c) s += fmt::format("{} {} {} {}\n", p.level, p.value.median, p.value.q1, p.value.q3);
  return s;
}

// "median line + IQR band" plot elements for one block; `x` is the gnuplot expression of the
// x value (column 1 by default); `dash` is gnuplot's dash type (1 solid, 2 dashed, 3 dotted, 4
// dash-dot).
std::string band_and_line(const std::string& file, int block, int color, const std::string& title, int dash = 1,
                          const std::string& x = "1") {
  return fmt::format(
      "'{0}' index {1} using {5}:3:4 with filledcurves lc {2} fs transparent solid 0.18 noborder notitle, "
      "'{0}' index {1} using {5}:2 with lines lc {2} lw 2 dt {3} title {4}",
      file, block, color, dash, gp_quote(title), x);
}

// The pruning axis: the kept fraction 1 - p on a reversed log axis, so the levels 0.9 .. 0.999
// (a third of the grid) spread out; or with logp=0 (`netprobe report --linear-p`, or
// `gnuplot -e "logp=0" NAME.gp`) p from 0 to 1.
constexpr const char* kPruneX = "(logp ? 1 - $1 : $1)";
std::string pruning_axis(const std::string& xlabel) {
  return fmt::format(
      "if (!exists(\"logp\")) logp = 1\n"
      "if (logp) {{ set logscale x; set xrange [1:0.0008]; set xlabel {} }} else {{ set xrange [0:1]; set xlabel {} "
      "}}\n",
      gp_quote("fraction kept 1 - p (log scale)"), gp_quote(xlabel));
}

struct TaskInfo {
  std::string id, dataset;
};

std::vector<TaskInfo> tasks_of(const StudyData& d) {
  std::vector<TaskInfo> out;
  for (const auto& s : d.result.scores) {
    std::optional<data::TaskSpec> spec;
    try {
      spec = experiments::parse_task_id(s.task);
    } catch (const core::UsageError&) {
    }
    out.push_back({s.task, spec ? spec->dataset : s.task.substr(0, s.task.rfind('-'))});
  }
  return out;
}

// One colour per task, the same in every figure that colours by task: the task's position in the
// study (gnuplot linetypes 1..8, repeating).
int task_color(const StudyData& d, const std::string& task) {
  for (size_t i = 0; i < d.result.scores.size(); ++i) {
    if (d.result.scores[i].task == task) return static_cast<int>(i % 8) + 1;
  }
  return 8;
}

std::map<std::string, std::vector<SweepRow>> rows_by_task(const StudyData& d) {
  std::map<std::string, std::vector<SweepRow>> out;
  for (const auto& r : d.rows) {
    if (r.scope.is_all()) out[r.task].push_back(r);
  }
  return out;
}

std::map<std::string, std::vector<std::string>> tasks_by_dataset(const std::vector<TaskInfo>& tasks) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& t : tasks) out[t.dataset].push_back(t.id);
  return out;
}

// One multi-panel figure per dataset; `panel` returns the plot command of a task or "".
std::vector<Figure> per_dataset(
    const StudyData& d, const std::string& stem, const std::string& title,
    const std::function<std::string(const std::string& task, Blocks&, const std::string& file)>& panel) {
  std::vector<Figure> out;
  for (const auto& [dataset, ids] : tasks_by_dataset(tasks_of(d))) {
    Figure f;
    f.name = stem + "_" + dataset;
    const std::string file = f.name + ".dat";
    Blocks blocks;
    std::vector<std::string> panels;
    for (const auto& id : ids) {
      if (panels.size() == kMaxPanels) break;
      const std::string p = panel(id, blocks, file);
      if (!p.empty()) panels.push_back(p);
    }
    if (panels.empty()) continue;
    f.title =
        fmt::format("{}: {}{}", title, dataset,
                    ids.size() > kMaxPanels ? fmt::format(" (first {} of {} tasks)", kMaxPanels, ids.size()) : "");
    f.width = 460 * static_cast<int>(panels.size());
    f.data = blocks.text();
    // The figure's title is its caption in the report; each panel is titled by its task.
    f.script = fmt::format("set multiplot layout 1,{}\n", panels.size());
    for (const auto& p : panels) f.script += p;
    f.script += "unset multiplot\n";
    out.push_back(std::move(f));
  }
  return out;
}

// Chance accuracy (100 / classes) of a task id, or NaN when `task` is not one (a figure of several).
double chance_of(const std::string& task) {
  try {
    if (const auto spec = experiments::parse_task_id(task)) return 100.0 / static_cast<double>(spec->classes.size());
  } catch (const core::UsageError&) {
  }
  return std::nan("");
}

// A panel of accuracy against a level: the y range leaves room above 100 so a curve at the top is
// not hidden by the frame, and a grey dashed line marks chance.
std::string panel_header(const std::string& task, const std::string& xlabel, double chance) {
  std::string h = fmt::format(
      "set title {}\nset xlabel {}\nset ylabel 'test accuracy (%)'\nset yrange [0:104]\nset ytics 0,20,100\n"
      "set grid\nset key bottom left font ',9'\nunset arrow\nunset label\n",
      gp_quote(task), gp_quote(xlabel));
  if (!std::isnan(chance)) {
    h += fmt::format(
        "set arrow from graph 0, first {0} to graph 1, first {0} nohead dt 2 lw 1.5 lc rgb '#999999' back\n"
        "set label 'chance' at graph 0.99, first {0} right offset 0,0.6 font ',9' tc rgb '#777777' back\n",
        chance);
  }
  return h;
}
std::string panel_header(const std::string& task, const std::string& xlabel) {
  return panel_header(task, xlabel, chance_of(task));
}

std::vector<Figure> pruning_figures(const StudyData& d, const std::map<std::string, std::vector<SweepRow>>& rows) {
  return per_dataset(d, "pruning", "Magnitude pruning (median over seeds, IQR band)",
                     [&](const std::string& task, Blocks& blocks, const std::string& file) {
                       const auto& r = rows.at(task);
                       // full solid, signed dash-dot, shuffled dotted, the controls dashed
                       struct Line {
                         probes::RowSelection selection;
                         std::string title;
                         int color, dash;
                       };
                       using probes::Mode;
                       const std::vector<Line> lines = {
                           {{probes::prune_probe(), "magnitude", Mode::kFull}, "full precision", 1, 1},
                           {{probes::prune_probe(), "magnitude", Mode::kSigned}, "signed", 2, 4},
                           {{probes::prune_shuffle_probe(), "B", Mode::kFull}, "shuffled (B)", 3, 3},
                           {{probes::prune_probe(), "random", Mode::kFull}, "random (control)", 4, 2},
                           {{probes::prune_probe(), "largest", Mode::kFull}, "largest (control)", 7, 2}};
                       std::vector<std::string> parts;
                       for (const auto& l : lines) {
                         const auto c = probes::seed_curve(r, l.selection);
                         if (c.empty()) continue;
                         const int b = blocks.add(task + " " + l.title, curve_body(c));
                         parts.push_back(band_and_line(file, b, l.color, l.title, l.dash, kPruneX));
                       }
                       if (parts.empty()) return std::string();
                       const std::string& xlabel = probes::prune_probe().level.axis_label;
                       return panel_header(task, xlabel) + pruning_axis(xlabel) + "plot " +
                              fmt::format("{}", fmt::join(parts, ", \\\n  ")) + "\n";
                     });
}

std::vector<Figure> prune_binarize_figure(const StudyData& d,
                                          const std::map<std::string, std::vector<SweepRow>>& rows) {
  Figure f{"prune_then_binarize", "Prune then binarize: all tasks (median over seeds, IQR band)"};
  Blocks blocks;
  std::vector<std::string> parts;
  for (const auto& t : tasks_of(d)) {
    const auto c = probes::seed_curve(rows.at(t.id), {probes::prune_probe(), "magnitude", probes::Mode::kSigned});
    if (c.empty()) continue;
    const int b = blocks.add(t.id, curve_body(c));
    parts.push_back(band_and_line(f.name + ".dat", b, task_color(d, t.id), t.id, 1, kPruneX));
    if (parts.size() == 8) break;
  }
  if (parts.empty()) return {};
  f.data = blocks.text();
  const std::string xlabel = probes::prune_probe().level.axis_label + ", then sign()";
  std::set<double> chances;
  for (const auto& t : tasks_of(d)) chances.insert(chance_of(t.id));
  f.script = panel_header(f.title, xlabel, chances.size() == 1 ? *chances.begin() : std::nan("")) +
             pruning_axis(xlabel) + "set key bottom right\nplot " + fmt::format("{}", fmt::join(parts, ", \\\n  ")) +
             "\n";
  return {f};
}

double sigma_of(const StudyData& d, const std::string& task) {
  for (const auto& s : d.result.scores) {
    if (s.task == task) return std::isfinite(s.sigma_w) ? s.sigma_w : 0.0;
  }
  return 0.0;
}

std::vector<Figure> noise_figures(const StudyData& d, const std::map<std::string, std::vector<SweepRow>>& rows) {
  return per_dataset(
      d, "noise", "Uniform noise U(-a, a) on the non-zero weights",
      [&](const std::string& task, Blocks& blocks, const std::string& file) {
        const auto full = probes::seed_curve(rows.at(task), {probes::noise_probe(), "uniform", probes::Mode::kFull});
        const auto sgn = probes::seed_curve(rows.at(task), {probes::noise_probe(), "uniform", probes::Mode::kSigned});
        if (full.empty()) return std::string();
        const int bf = blocks.add(task + " full", curve_body(full));
        std::string plot = band_and_line(file, bf, 1, "full precision");
        if (!sgn.empty())
          plot += ", " + band_and_line(file, blocks.add(task + " signed", curve_body(sgn)), 2, "signed", 4);
        const double sigma = sigma_of(d, task);
        // Markers at 1, 2 and 4 sigma(w), labelled above the frame (never over a curve): gnuplot
        // cannot link a second axis to a log axis.
        std::string axes = "set logscale x 2\nset xtics 4 format '2^{%L}' enhanced\n";
        if (sigma > 0) {
          for (int k : {1, 2, 4}) {
            axes += fmt::format(
                "set arrow from {0}, graph 0 to {0}, graph 1 nohead dt 3 lc rgb '#888888'\n"
                "set label '{1}σ' at {0}, graph 1 center offset 0,0.7 font ',9' tc rgb '#555555'\n",
                k * sigma, k);
          }
        }
        return panel_header(task, probes::noise_probe().level.axis_label + " (dotted: 1, 2, 4 σ(w))") + axes + "plot " +
               plot + "\nset xtics autofreq format '% h' noenhanced\n";
      });
}

std::vector<Figure> flip_figures(const StudyData& d, const std::map<std::string, std::vector<SweepRow>>& rows) {
  return per_dataset(d, "flip", "Sign flipping (solid: full precision, dashed: signed)",
                     [&](const std::string& task, Blocks& blocks, const std::string& file) {
                       std::vector<std::string> parts;
                       int color = 1;
                       for (const auto& variant : probes::flip_probe().variants) {
                         for (const probes::Mode mode : {probes::Mode::kFull, probes::Mode::kSigned}) {
                           const auto c = probes::seed_curve(rows.at(task), {probes::flip_probe(), variant, mode});
                           if (c.empty()) continue;
                           const std::string& m = probes::to_string(mode);
                           const int b = blocks.add(fmt::format("{} {} {}", task, variant, m), curve_body(c));
                           parts.push_back(band_and_line(file, b, color, fmt::format("{} ({})", variant, m),
                                                         mode == probes::Mode::kSigned ? 4 : 1));
                         }
                         ++color;
                       }
                       if (parts.empty()) return std::string();
                       return panel_header(task, probes::flip_probe().level.axis_label) + "set xrange [0:1]\nplot " +
                              fmt::format("{}", fmt::join(parts, ", \\\n  ")) + "\n";
                     });
}

std::vector<Figure> randomization_figure(const StudyData& d, const std::map<std::string, std::vector<SweepRow>>& rows) {
  Figure f{"randomizations", "Bipartite randomizations A-G (median over seeds, IQR; filled: full, open: signed)"};
  const std::vector<std::string>& variants = probes::shuffle_probe().variants;
  Blocks blocks;
  std::vector<std::string> parts;
  const auto tasks = tasks_of(d);
  const size_t shown = std::min<size_t>(tasks.size(), 8);
  for (size_t t = 0; t < shown; ++t) {
    for (const probes::Mode mode : {probes::Mode::kFull, probes::Mode::kSigned}) {
      const bool full = mode == probes::Mode::kFull;
      std::string body;
      for (size_t v = 0; v < variants.size(); ++v) {
        const auto c = probes::seed_curve(rows.at(tasks[t].id), {probes::shuffle_probe(), variants[v], mode});
        if (c.empty()) continue;
        const double x = static_cast<double>(v) + 0.8 * (static_cast<double>(t) + 0.5) / static_cast<double>(shown) -
                         0.4 + (full ? 0.0 : 0.3 / static_cast<double>(shown));
        body += fmt::format("{} {} {} {}\n", x, c[0].value.median, c[0].value.q1, c[0].value.q3);
      }
      if (body.empty()) continue;
      const int b = blocks.add(tasks[t].id + " " + probes::to_string(mode), body);
      parts.push_back(fmt::format("'{}' index {} using 1:2:3:4 with yerrorbars lc {} pt {} ps 1.2 title {}",
                                  f.name + ".dat", b, task_color(d, tasks[t].id), full ? 7 : 6,
                                  gp_quote(tasks[t].id + (full ? "" : " (signed)"))));
    }
  }
  if (parts.empty()) return {};
  f.data = blocks.text();
  f.width = 800;
  f.script =
      "set xtics ('A' 0, 'B' 1, 'C' 2, 'D' 3, 'E' 4, 'F' 5, 'G' 6)\nset xrange [-0.6:6.6]\n"
      "set yrange [0:100]\nset ylabel 'test accuracy (%)'\nset grid ytics\nset key inside bottom center horizontal "
      "maxcols 2 font ',9'\n"
      "set xlabel 'A all | B by sign | C/D per input/output node | E/F per node and sign | G edge switching'\nplot " +
      fmt::format("{}", fmt::join(parts, ", \\\n  ")) + "\n";
  return {f};
}

// Each seed's mean accuracy over draws (the selected probe has one level).
std::map<uint64_t, double> per_seed(const std::vector<SweepRow>& rows, const probes::RowSelection& selection) {
  std::map<uint64_t, double> out;
  for (const auto& [level, seeds] : probes::group_rows(rows, selection)) {
    for (const auto& [seed, values] : seeds) out[seed] = probes::mean_of(values);
  }
  return out;
}

// Per-seed score spreads: flip50(full) - flip50(probe) for each seed.
probes::Spread delta_spread(const std::vector<SweepRow>& rows, const probes::RowSelection& probed, int classes) {
  const auto full = per_seed(rows, probes::RowSelection::intact());
  std::vector<double> deltas;
  for (const auto& [seed, accuracy] : per_seed(rows, probed)) {
    const auto it = full.find(seed);
    if (it != full.end()) deltas.push_back(probes::flip50(it->second, classes) - probes::flip50(accuracy, classes));
  }
  return probes::spread(deltas);
}

std::vector<Figure> score_figure(const StudyData& d, const std::map<std::string, std::vector<SweepRow>>& rows) {
  Figure f{"scores",
           "Task-complexity score: Δ_bin and Δ_shuf per task (bars: median; whiskers: per-seed IQR); higher = more "
           "of the function lives in the exact weight values"};
  std::string body;
  int i = 0;
  for (const auto& s : d.result.scores) {
    const auto bin = delta_spread(rows.at(s.task), {probes::binarize_probe(), "sign"}, s.classes);
    const auto shuf = delta_spread(rows.at(s.task), {probes::shuffle_probe(), "B"}, s.classes);
    // NaN (an undefined score) is skipped by gnuplot.
    body += fmt::format("{} \"{}\" {} {} {} {} {} {}\n", i++, s.task, s.delta_bin, bin.q1, bin.q3, s.delta_shuf,
                        shuf.q1, shuf.q3);
  }
  if (i == 0) return {};
  f.data = "# index task delta_bin q1 q3 delta_shuf q1 q3\n" + body;
  f.width = std::max(700, 40 * i + 200);
  f.script = fmt::format(
      "set style fill solid 0.7 border -1\nset boxwidth 0.38\nset yrange [0:55]\nset ylabel 'accuracy points'\n"
      "set grid ytics\nset xrange [-0.7:{0}]\nset xtics rotate by -40 font ',9'\nset key top left\n"
      "plot '{1}.dat' using ($1-0.2):3:xtic(2) with boxes lc 1 title 'Δ_{{bin}}' enhanced, "
      "'' using ($1-0.2):3:4:5 with yerrorbars lc black pt 0 notitle, "
      "'' using ($1+0.2):6 with boxes lc 3 title 'Δ_{{shuf}}' enhanced, '' using ($1+0.2):6:7:8 with yerrorbars lc "
      "black pt 0 "
      "notitle\n",
      i - 0.3, f.name);
  return {f};
}

std::vector<Figure> heatmap_figures(const StudyData& d) {
  std::vector<Figure> out;
  std::map<std::string, std::map<std::pair<int, int>, std::pair<double, double>>> cells;  // dataset -> (a,b) -> deltas
  for (const auto& s : d.result.scores) {
    const std::string& id = s.task;
    const auto dash = id.rfind('-');
    const std::string classes = id.substr(dash + 1);
    const auto v = classes.find('v');
    if (v == std::string::npos || classes.find('v', v + 1) != std::string::npos) continue;  // pairs only
    const int a = std::stoi(classes.substr(0, v)), b = std::stoi(classes.substr(v + 1));
    cells[id.substr(0, dash)][{std::min(a, b), std::max(a, b)}] = {s.delta_bin, s.delta_shuf};
  }
  for (const auto& [dataset, pairs] : cells) {
    if (pairs.size() < 45) continue;  // only a complete all-pairs study
    for (const bool bin : {true, false}) {
      Figure f;
      f.name = fmt::format("heatmap_{}_{}", bin ? "delta_bin" : "delta_shuf", dataset);
      f.title = fmt::format("{} for all class pairs of {}", bin ? "Δ_bin" : "Δ_shuf", dataset);
      for (int r = 0; r < 10; ++r) {
        for (int c = 0; c < 10; ++c) {
          const auto it = pairs.find({std::min(r, c), std::max(r, c)});
          f.data += it == pairs.end() ? "NaN " : fmt::format("{:.2f} ", bin ? it->second.first : it->second.second);
        }
        f.data += "\n";
      }
      f.width = 640;
      f.height = 560;
      f.script = fmt::format(
          "set title {}\nset xrange [-0.5:9.5]\nset yrange [9.5:-0.5]\nset xtics 0,1,9\nset ytics 0,1,9\n"
          "set cbrange [0:50]\nset palette defined (0 '#fff5eb', 25 '#fd8d3c', 50 '#7f2704')\nset cblabel 'accuracy "
          "points'\n"
          "set xlabel 'class'\nset ylabel 'class'\n"
          "plot '{}.dat' matrix with image notitle, '' matrix using 1:2:(($3==$3)?sprintf('%.0f',$3):'') with labels "
          "font ',9' notitle\n",
          gp_quote(f.title), f.name);
      out.push_back(std::move(f));
    }
  }
  return out;
}

double pooled_mean(const std::vector<SweepRow>& rows, const probes::RowSelection& selection) {
  std::vector<double> values;
  for (const auto& [level, seeds] : probes::group_rows(rows, selection)) {
    for (const auto& [seed, v] : seeds) values.insert(values.end(), v.begin(), v.end());
  }
  return probes::mean_of(values);
}

std::vector<Figure> layer_figure(const StudyData& d) {
  // Accuracy when only one layer is binarized or shuffled (B): task/probe/scope -> mean over
  // seeds and draws.
  std::map<std::string, std::vector<SweepRow>> task_rows;
  std::set<std::string> scopes;
  for (const auto& r : d.rows) {
    if (r.scope.is_all()) continue;
    task_rows[r.task].push_back(r);
    scopes.insert(r.scope.label());
  }
  std::map<std::string, std::map<std::string, std::map<std::string, double>>> acc;
  for (const auto& [task, rows] : task_rows) {
    for (const probes::RowSelection& probed :
         {probes::RowSelection{probes::binarize_probe(), "sign"}, probes::RowSelection{probes::shuffle_probe(), "B"}}) {
      for (const auto& scope : scopes) {
        probes::RowSelection selection = probed;
        selection.scope = probes::Scope::parse(scope);
        if (!probes::group_rows(rows, selection).empty()) {
          acc[task][probed.probe.name()][scope] = pooled_mean(rows, selection);
        }
      }
    }
  }
  if (acc.empty()) return {};
  Figure f{"layer_profile", "Layer profile: one layer binarized or shuffled (B) at a time (mean over seeds and draws)"};
  Blocks blocks;
  std::vector<std::string> parts;
  const std::vector<std::string> layers(scopes.begin(), scopes.end());
  for (const auto& [task, probes_] : acc) {
    const int color = task_color(d, task);
    for (const auto& [probe, by_scope] : probes_) {
      std::string body;
      for (size_t i = 0; i < layers.size(); ++i) {
        const auto it = by_scope.find(layers[i]);
        if (it != by_scope.end()) body += fmt::format("{} {}\n", i, it->second);
      }
      const int b = blocks.add(task + " " + probe, body);
      parts.push_back(fmt::format("'{}.dat' index {} using 1:2 with points ps 1.5 lc {} {} title {}", f.name, b, color,
                                  probe == "shuffle" ? "pt 6" : "pt 7", gp_quote(task + " " + probe)));
    }
  }
  std::string xtics;
  for (size_t i = 0; i < layers.size(); ++i) xtics += fmt::format("{}'{}' {}", i ? ", " : "", layers[i], i);
  f.data = blocks.text();
  f.script = fmt::format(
      "set xtics ({})\nset xrange [-0.5:{}]\nset yrange [0:100]\nset ylabel 'test accuracy (%)'\n"
      "set grid\nset key inside bottom center horizontal maxcols 2 font ',9'\nplot {}\n",
      xtics, static_cast<double>(layers.size()) - 0.5, fmt::join(parts, ", \\\n  "));
  return {f};
}

std::vector<Figure> training_figure(const StudyData& d) {
  // task -> epoch -> values over seeds
  std::map<std::string, std::map<int, std::vector<double>>> loss, test;
  for (const auto& m : d.result.models) {
    const fs::path path = d.dir / m.dir / "metrics.jsonl";
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    std::istringstream lines(core::read_file(path));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const auto r = core::Json::parse(line);
      loss[m.task][r.at("epoch").get<int>()].push_back(r.at("loss").get<double>());
      if (r.contains("test_acc")) test[m.task][r.at("epoch").get<int>()].push_back(r.at("test_acc").get<double>());
    }
  }
  if (loss.empty()) return {};
  Figure f{"training", "Training curves (median over seeds): training loss and test accuracy per epoch"};
  Blocks blocks;
  std::vector<std::string> loss_parts, acc_parts;
  for (const auto& [task, by_epoch] : loss) {
    if (loss_parts.size() == 8) break;
    const int color = task_color(d, task);
    std::string lb, ab;
    for (const auto& [epoch, v] : by_epoch) lb += fmt::format("{} {}\n", epoch, probes::spread(v).median);
    for (const auto& [epoch, v] : test[task]) ab += fmt::format("{} {}\n", epoch, probes::spread(v).median);
    loss_parts.push_back(fmt::format("'{}.dat' index {} using 1:2 with linespoints lc {} pt 7 ps 0.6 title {}", f.name,
                                     blocks.add(task + " loss", lb), color, gp_quote(task)));
    acc_parts.push_back(fmt::format("'{}.dat' index {} using 1:2 with linespoints lc {} pt 7 ps 0.6 title {}", f.name,
                                    blocks.add(task + " test accuracy", ab), color, gp_quote(task)));
  }
  f.data = blocks.text();
  f.width = 1000;
  f.script = fmt::format(
      "set multiplot layout 1,2\nset grid\nset xlabel 'epoch'\nset key top right font ',9'\n"
      "set title 'training loss (NLL)'\nset logscale y\nplot {}\nunset logscale y\n"
      "set title 'test accuracy (%)'\nset key bottom right font ',9'\nplot {}\nunset multiplot\n",
      fmt::join(loss_parts, ", "), fmt::join(acc_parts, ", "));
  return {f};
}

// Δ_bin against Δ_shuf, one point per task (PROBES.md: the two agree across pairs).
std::vector<Figure> delta_scatter_figure(const StudyData& d) {
  std::string body;
  std::vector<double> bin, shuf;
  for (const auto& s : d.result.scores) {
    if (std::isnan(s.delta_bin) || std::isnan(s.delta_shuf)) continue;
    // a data-file string, and the task's colour (the same in every figure)
    body += fmt::format("{} {} \"{}\" {}\n", s.delta_bin, s.delta_shuf, s.task, task_color(d, s.task));
    bin.push_back(s.delta_bin);
    shuf.push_back(s.delta_shuf);
  }
  if (bin.empty()) return {};
  Figure f{"delta_bin_vs_shuf",
           bin.size() >= 3 ? fmt::format("Δ_bin against Δ_shuf over {} tasks (Spearman {:.2f}): points near the "
                                         "diagonal mean the two probes rank task difficulty alike",
                                         bin.size(), probes::spearman(bin, shuf))
                           : "Δ_bin against Δ_shuf per task: points near the diagonal mean the two probes agree"};
  f.width = 560;
  f.height = 520;
  Blocks blocks;
  blocks.add("delta_bin delta_shuf task", body);
  f.data = blocks.text();
  f.script = fmt::format(
      "set size square\nset xrange [0:55]\nset yrange [0:55]\nset grid\nset key top left font ',9'\n"
      "set xlabel 'Δ_{{bin}} (accuracy points)' enhanced\nset ylabel 'Δ_{{shuf}} (accuracy points)' enhanced\n"
      "plot x with lines dt 3 lc rgb '#888888' title 'Δ_{{bin}} = Δ_{{shuf}}' enhanced, "
      "'{0}.dat' index 0 using 1:2:4 with points pt 7 ps 1.2 lc variable notitle, "
      "'{0}.dat' index 0 using 1:2:3 with labels offset 0.8,0.6 left font ',8' notitle\n",
      f.name);
  return {f};
}

// The paper's plot: binarized accuracy of every model (one point per seed) beside its full
// accuracy, per task; the bar is the median over seeds.
std::vector<Figure> binarized_per_seed_figure(const StudyData& d,
                                              const std::map<std::string, std::vector<SweepRow>>& rows) {
  Blocks blocks;
  std::vector<std::string> parts, tics;
  std::string full_body, bin_body, median_body;
  int x = 0;
  for (const auto& s : d.result.scores) {
    const auto& task_rows = rows.at(s.task);
    const auto bin = probes::seed_means(task_rows, {probes::binarize_probe(), "sign"});
    const auto full = probes::seed_means(task_rows, probes::RowSelection::intact());
    if (bin.empty()) continue;
    // Seeds spread over 0.3 of the slot so that equal accuracies stay visible as separate points.
    const auto jittered = [&](const std::vector<double>& values) {
      std::string body;
      for (size_t i = 0; i < values.size(); ++i) {
        const double jitter =
            values.size() > 1 ? 0.3 * (static_cast<double>(i) / static_cast<double>(values.size() - 1) - 0.5) : 0.0;
        body += fmt::format("{} {}\n", x + jitter, values[i]);
      }
      return body;
    };
    bin_body += jittered(bin.begin()->second);
    if (!full.empty()) full_body += jittered(full.begin()->second);
    median_body += fmt::format("{} {}\n", x, s.binarized.median);
    tics.push_back(fmt::format("{} {}", gp_quote(s.task), x));
    ++x;
  }
  if (x == 0) return {};
  Figure f{"binarized_per_seed",
           "Binarized accuracy of every model (filled dots, one per seed; bar: median) beside its full accuracy "
           "(open circles): the gap is what the exact weight values carry"};
  f.width = std::max(560, 170 * x + 120);
  const int full_block = blocks.add("task-index full-accuracy (one line per seed)", full_body);
  const int bin_block = blocks.add("task-index(+jitter) binarized-accuracy (one line per seed)", bin_body);
  const int median_block = blocks.add("task-index median binarized accuracy", median_body);
  f.data = blocks.text();
  f.script = fmt::format(
      "set xtics ({1}) rotate by -20\nset xrange [-0.6:{2}]\nset yrange [40:100]\nset grid ytics\n"
      "set ylabel 'test accuracy (%)'\nset key below horizontal font ',9'\n"
      "plot '{0}.dat' index {3} using 1:2 with points pt 6 ps 1.3 lc 8 title 'full', "
      "'{0}.dat' index {4} using 1:2 with points pt 7 ps 0.9 lc 7 title 'binarized (each seed)', "
      "'{0}.dat' index {5} using ($1-0.25):2:(0.5):(0) with vectors nohead lw 3 lc 7 title 'binarized (median)'\n",
      f.name, fmt::join(tics, ", "), static_cast<double>(x) - 0.4, full_block, bin_block, median_block);
  return {f};
}

}  // namespace

// A layer profile's compression answer: per task, pruning and noise of one layer at a time.
std::vector<Figure> layer_compression_figures(const StudyData& d) {
  std::vector<Figure> out;
  for (const auto& [task, layers] : d.result.compression) {
    std::vector<SweepRow> rows;
    for (const auto& r : d.rows) {
      if (r.task == task) rows.push_back(r);
    }
    const double intact = layers.empty() ? 0.0 : layers.front().full_accuracy;
    const double floor = intact - d.result.max_drop;
    const std::string floor_label = "intact - " + probes::points_text(d.result.max_drop);
    out.push_back(layer_curves_figure(
        "layer_pruning_" + task, task + ": magnitude pruning of one layer at a time (median over seeds)",
        probes::prune_probe().level.axis_label, rows, curve_scopes(layers), {probes::prune_probe(), "magnitude"},
        intact, floor, "test accuracy (%)", floor_label));
    out.push_back(layer_curves_figure("layer_noise_" + task, task + ": uniform noise on one layer at a time",
                                      "a / σ(w) of the layer", rows, curve_scopes(layers),
                                      {probes::noise_probe(), "uniform", true}, intact, floor, "test accuracy (%)",
                                      floor_label));
  }
  return out;
}

// What to look at in each figure, by name (a dataset's figures share their stem's caption).
std::string caption_of(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> captions = {
      {"pruning_",
       "How far the full-precision curve stays up shows how many of the smallest weights the task can "
       "lose; the signed curve is sign() of the pruned network; random and largest pruning (dashed) "
       "are the controls."},
      {"prune_then_binarize",
       "A curve that rises before it falls means pruning the smallest weights helps the "
       "binarized network: the signs of the large weights carry the function."},
      {"noise_",
       "Accuracy against the noise amplitude a; the dotted lines mark 1, 2 and 4 σ(w). Where the signed "
       "curve stays up, the signs survive the noise."},
      {"flip_",
       "Flipping the signs of the smallest weights first costs little; random or largest flips show how "
       "much each sign is worth."},
      {"randomizations",
       "B keeps every sign and shuffles magnitudes within each sign: high accuracy after B means "
       "the signed skeleton, not the exact values, holds the function. A destroys the signs."},
      {"layer_profile", "Which layer carries the exact values: the one whose binarization or shuffle costs most."},
      {"training", "Training converged when the loss flattens and the test accuracy stops rising."},
      {"heatmap_",
       "Cell (i, j) is the pair i vs j; dark cells (high Δ) are the pairs whose networks need their "
       "exact weight values."},
  };
  for (const auto& [prefix, caption] : captions) {
    if (name.rfind(prefix, 0) == 0) return caption;
  }
  return "";
}

// The paragraph of docs/READING_RESULTS.md that explains a figure, by name prefix.
std::string reading_of(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> anchors = {
      {"pruning_", "magnitude-below-random"},
      {"prune_then_binarize", "prune-then-binarize"},
      {"noise_", "noise-and-flips"},
      {"flip_", "noise-and-flips"},
      {"randomizations", "randomizations"},
      {"scores", "binarization-and-hard-tasks"},
      {"delta_bin_vs_shuf", "the-default-study"},
      {"binarized_per_seed", "binarization-and-hard-tasks"},
      {"heatmap_", "binarization-and-hard-tasks"},
      {"layer_", "layers"},
      {"training", "training"},
  };
  for (const auto& [prefix, anchor] : anchors) {
    if (name.rfind(prefix, 0) == 0) return anchor;
  }
  return "";
}

std::vector<Figure> build_figures(const StudyData& d) {
  auto rows = rows_by_task(d);
  for (const auto& t : tasks_of(d)) rows[t.id];  // every scored task has an entry, possibly empty
  std::vector<Figure> out;
  for (auto&& group : {pruning_figures(d, rows), prune_binarize_figure(d, rows), noise_figures(d, rows),
                       flip_figures(d, rows), randomization_figure(d, rows), score_figure(d, rows),
                       delta_scatter_figure(d), binarized_per_seed_figure(d, rows), heatmap_figures(d), layer_figure(d),
                       layer_compression_figures(d), training_figure(d)}) {
    for (const auto& f : group) {
      out.push_back(f);
      if (out.back().caption.empty()) out.back().caption = caption_of(f.name);
      out.back().reading = reading_of(f.name);
    }
  }
  return out;
}

}  // namespace netprobe::report
