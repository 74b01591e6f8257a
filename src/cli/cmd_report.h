#pragma once
/// `netprobe report RESULTS_DIR`: figures and index.html of a study, a compression or an RNN
/// run (report/report.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_report(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
