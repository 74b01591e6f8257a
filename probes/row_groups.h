#pragma once
/// The one way sweep rows are grouped and averaged: select the rows of one probe, variant, mode
/// and scope, group them by level and by model seed, and reduce. The study's curves average each
/// seed's draws first (one value per model) and take median and IQR over seeds; a single model's
/// summary pools its draws.
///
///   RowSelection s{prune_probe(), "magnitude", Mode::kSigned};  // scope all unless named
///   std::vector<CurvePoint> c = seed_curve(rows, s);         // median/IQR over seeds per level
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json_io.h"
#include "probes/sweep.h"

namespace netprobe::probes {

/// Median and inter-quartile range (linear interpolation, as numpy's default percentile).
struct Spread {
  double median = 0, q1 = 0, q3 = 0;
  int n = 0;
};
NETPROBE_JSON_FIELDS(Spread, median, q1, q3, n)
Spread spread(std::vector<double> values);

/// One point of a curve.
struct CurvePoint {
  double level = 0;
  Spread value;  ///< of the rows' metric
};

/// Which rows to aggregate. Rows of other scopes (a layer profile) never mix into "all".
struct RowSelection {
  ProbeId probe;
  std::string variant;
  Mode mode = Mode::kFull;
  Scope scope{};
  bool matches(const SweepRow& row) const;
  /// The unperturbed model's rows.
  static RowSelection intact() { return {ProbeId::intact(), "-"}; }
};

/// level -> seed -> the selected rows' accuracies, in row order.
using LevelSeedValues = std::map<double, std::map<uint64_t, std::vector<double>>>;
LevelSeedValues group_rows(const std::vector<SweepRow>& rows, const RowSelection& selection);

/// Mean of the values (the draws of one model at one level), summed in order.
double mean_of(const std::vector<double>& values);

/// Per level, each seed's mean over draws, in seed order.
std::map<double, std::vector<double>> seed_means(const std::vector<SweepRow>& rows, const RowSelection& selection);

/// At each level, median and IQR over seeds of each seed's mean over draws.
std::vector<CurvePoint> seed_curve(const std::vector<SweepRow>& rows, const RowSelection& selection);

/// At each level, median and IQR over every selected row (draws and seeds pooled): the summary of
/// one model's sweep.
std::vector<CurvePoint> pooled_curve(const std::vector<SweepRow>& rows, const RowSelection& selection);

}  // namespace netprobe::probes
