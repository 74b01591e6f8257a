#pragma once
/// `netprobe layers`: a model's layers as the probes see them (experiments/layers.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_layers(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
