#pragma once
/// The task-complexity score of PROBES.md and the per-task summary of a study.
///
///   TaskScore s = score_task(rows_of_one_task, /*classes=*/2);
///   s.delta_bin   // median flip50(full) - median flip50(binarized), 0 (easy) .. 50 (hard)
#include <limits>
#include <string>
#include <vector>

#include "core/json_io.h"
#include "probes/row_groups.h"
#include "probes/sweep.h"

namespace netprobe::probes {

/// flip50(a) = 100 - a when a < 50: a reliably wrong binary classifier carries the same
/// information as a right one. Identity for tasks with more than two classes.
double flip50(double accuracy, int classes);

/// The median over seeds of flip50(each seed's mean accuracy over draws) of the selected rows,
/// all levels pooled (the score's building block); NaN when no row is selected.
double median_flip50(const std::vector<SweepRow>& rows, const RowSelection& selection, int classes);

/// Area between two curves on the same levels: trapezoids of (upper - lower) over the level
/// axis, divided by its span, so it reads in accuracy points (log2 axis when `log_axis`).
/// A single-level curve gives the plain difference.
double area_between(const std::vector<CurvePoint>& upper, const std::vector<CurvePoint>& lower, bool log_axis);

struct Peak {
  double accuracy = 0;  ///< highest median accuracy
  double level = 0;     ///< where it is reached
  bool found = false;   ///< false when the curve is empty (probe not run)
};
Peak peak_of(const std::vector<CurvePoint>& curve);

/// The value of a score that was not computed (its probe was not run): NaN, written as null.
inline constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

struct TaskScore {
  std::string task;
  int classes = 2;
  int seeds = 0;
  Spread full, binarized, shuffled;  ///< accuracy (percent) over seeds
  // NaN (null in JSON, "-" in tables) when the probe was not run or the value is undefined.
  double delta_bin = kUndefined, delta_shuf = kUndefined;  ///< accuracy points
  double norm_bin = kUndefined, norm_shuf = kUndefined;    ///< delta / (median full - chance)
  Peak prune_binarize, noise_signed, flip_signed;
  double sigma_w = 0;  ///< median over seeds of the std of all weights
  core::Json areas;    ///< probe/variant -> area between full and signed curves
  core::Json to_json() const;
  /// Inverse of to_json (a null number reads back as NaN, a null peak as not found).
  static TaskScore from_json(const core::Json& json);
};

/// Scores one task from its rows (all seeds; rows of a layer profile are ignored). `sigma_w` per
/// seed converts noise levels to units of the weights' standard deviation. Missing probes leave
/// their fields undefined.
TaskScore score_task(const std::vector<SweepRow>& rows, int classes, const std::vector<double>& sigma_w);

/// Spearman rank correlation (average ranks for ties).
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace netprobe::probes
