#pragma once
/// `netprobe report RESULTS_DIR`: figures and index.html of a study.
#include <filesystem>

#include "cli/global_options.h"
#include "report/report.h"

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
