#pragma once
/// `netprobe train`: train one classifier with the PROBES.md protocol (experiments/train.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_train(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
