#pragma once
/// The figures of a study report, built from its rows, scores and models.
#include <filesystem>
#include <vector>

#include "experiments/study_outputs.h"
#include "report/plot.h"

namespace netprobe::report {

/// Everything a report is drawn from: a finished study's outputs.
using StudyData = experiments::StudyOutputs;

/// Every figure the data supports: curves only for probes that were run, heatmaps only when a
/// dataset has all of its class pairs, layer profiles only when present.
std::vector<Figure> build_figures(const StudyData& data);

}  // namespace netprobe::report
