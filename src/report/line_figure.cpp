#include "report/line_figure.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

namespace netprobe::report {
namespace {

// gnuplot's 8 linetype colours, then 12 more distinct ones, so up to 20 series (an RNN's
// overlaps) never share a colour; beyond that they repeat.
std::string line_color(int color) {
  static const char* const extra[] = {"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79",
                                      "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d"};
  if (color <= 8) return fmt::format("lc {}", color);
  return fmt::format("lc rgb '{}'", extra[(color - 9) % 12]);
}

}  // namespace

Figure line_figure(const std::string& name, const std::string& title, const std::string& xlabel,
                   const std::string& ylabel, const Axes& axes, const std::vector<Series>& series) {
  Figure f;
  f.name = name;
  f.title = title;
  std::vector<std::string> plots;
  int block = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string data;
    for (size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
      const bool finite = std::isfinite(s.x[k]) && std::isfinite(s.y[k]);
      const bool fits = (!axes.log_y || s.y[k] > 0) && (!axes.log_x || s.x[k] > 0);
      if (finite && fits) data += fmt::format("{} {}\n", s.x[k], s.y[k]);
    }
    if (data.empty()) continue;  // an empty block would shift gnuplot's index numbering
    f.data += fmt::format("# {}\n{}\n\n", s.label, data);
    const int color = s.color > 0 ? s.color : static_cast<int>(i) + 1;
    // linespoints mark each measured x with a filled circle (gnuplot's default point type for a
    // colour index can be a dot that does not show).
    const std::string style = s.style == "points" ? fmt::format("points pt 7 ps 0.6 {}", line_color(color))
                              : s.style == "linespoints"
                                  ? fmt::format("linespoints pt 7 ps 0.7 lw 2 {} dt {}", line_color(color), s.dash)
                                  : fmt::format("{} lw 2 {} dt {}", s.style, line_color(color), s.dash);
    plots.push_back(
        fmt::format("'{}.dat' index {} using 1:2 with {} title {}", name, block++, style, gp_quote(s.label)));
  }
  f.script = fmt::format("set title {}\nset xlabel {}\nset ylabel {}\nset grid\nset key {} font ',9'\n",
                         gp_quote(title), gp_quote(xlabel), gp_quote(ylabel), axes.key);
  if (axes.log_y) f.script += "set logscale y\nset format y '10^{%L}'\n";
  if (axes.log_x) {
    f.script += "set logscale x\nset autoscale xfix\n";  // the axis ends where the data do
    // A few measured x (network sizes 250, 1000, 4000) each get a labelled tick: a log axis over
    // less than two decades otherwise labels one of them at most.
    std::set<double> xs;
    for (const auto& s : series) {
      for (double x : s.x) {
        if (std::isfinite(x) && x > 0) xs.insert(x);
      }
    }
    if (!xs.empty() && xs.size() <= 12) {  // a little room, or the end ticks fall off the axis
      f.script += fmt::format("set xtics add ({})\nset xrange [{}:{}]\n", fmt::join(xs, ", "), *xs.begin() / 1.08,
                              *xs.rbegin() * 1.08);
    }
  }
  f.script += plots.empty() ? "set label 'no data' at graph 0.5,0.5 center\nplot NaN notitle\n"
                            : "plot " + fmt::format("{}", fmt::join(plots, ", \\\n  ")) + "\n";
  return f;
}

}  // namespace netprobe::report
