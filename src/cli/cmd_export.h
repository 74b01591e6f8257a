#pragma once
/// `netprobe export`: a netprobe MLP as a TorchScript file (experiments/export.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_export(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
