#pragma once
/// `netprobe probe`: one probe sweep on one saved model (experiments/probe.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_probe(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
