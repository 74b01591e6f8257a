#pragma once
/// `netprobe data info`: per-split, per-class counts of the registered datasets
/// (experiments/data_info.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_data(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
