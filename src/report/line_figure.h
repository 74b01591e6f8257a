#pragma once
/// A line plot of named series, the building block of the RNN commands' figures.
///
///   line_figure("twins_loss", "Twins learning task B", "epoch", "loss", {.log_y = true},
///               {{"original", xs, ys}, {"twin", xs, ys2, "points"}});
#include <string>
#include <vector>

#include "report/plot.h"

namespace netprobe::report {

struct Series {
  std::string label;
  std::vector<double> x, y;
  std::string style = "lines";  ///< gnuplot style: lines, points, linespoints
  int color = 0;                ///< gnuplot line colour index; 0 = next in order
  int dash = 1;                 ///< gnuplot dash type (1 solid, 2 dashed)
};

struct Axes {
  bool log_y = false;
  bool log_x = false;
  std::string key = "top right";
};

/// Data: one block per series (x y); script: one plot command over all blocks.
/// Non-finite and (on log axes) non-positive values are skipped, so gnuplot never fails on them.
Figure line_figure(const std::string& name, const std::string& title, const std::string& xlabel,
                   const std::string& ylabel, const Axes& axes, const std::vector<Series>& series);

}  // namespace netprobe::report
