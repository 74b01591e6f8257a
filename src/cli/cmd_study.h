#pragma once
/// `netprobe study`: the main job (experiments/study.h), then its report.
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_study(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
