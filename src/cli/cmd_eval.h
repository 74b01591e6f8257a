#pragma once
/// `netprobe eval`: re-evaluate a saved model on its task's test set, overall and per class
/// (experiments/eval.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_eval(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
