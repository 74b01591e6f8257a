#pragma once
/// `netprobe probe`: one probe sweep on one saved model.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "probes/sweep.h"
#include "src/cli/global_options.h"

namespace netprobe::cli {

struct ProbeOptions {
  std::filesystem::path model;
  std::string probe;
  std::string variant;          ///< empty = the probe's default variant
  std::vector<double> levels;   ///< empty = the probe's default grid
  bool with_signed = false;     ///< also evaluate sign() of each probed network
  std::string scope = "all";    ///< "all" or a layer name such as fc1
  int draws = 5;
  std::optional<std::filesystem::path> out;  ///< CSV of every row
  std::optional<std::filesystem::path> data_dir;
};

Command setup_probe(CLI::App& app, const GlobalOptions& global);
std::vector<probes::SweepRow> run_probe(const ProbeOptions& options);
/// Mean accuracy per level and mode, one line per level.
std::string format_probe_table(const std::vector<probes::SweepRow>& rows);

}  // namespace netprobe::cli
