#pragma once
/// The figures of a study report, built from its rows, scores and models.
#include <filesystem>
#include <vector>

#include "probes/study.h"
#include "src/core/json_io.h"
#include "src/report/plot.h"

namespace netprobe::report {

/// Everything a report is drawn from, as written by `netprobe study`.
struct StudyData {
  std::filesystem::path dir;
  std::vector<probes::SweepRow> rows;
  core::Json scores = core::Json::array();  ///< scores.json
  core::Json study = core::Json::object();  ///< study.json
  std::vector<probes::StudyModel> models;   ///< from study.json
};

/// Loads a results directory; core::Error naming the file if a required one is missing.
StudyData load_study(const std::filesystem::path& dir);

/// Every figure the data supports: curves only for probes that were run, heatmaps only when a
/// dataset has all of its class pairs, layer profiles only when present.
std::vector<Figure> build_figures(const StudyData& data);

}  // namespace netprobe::report
