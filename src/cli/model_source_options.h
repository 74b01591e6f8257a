#pragma once
/// The options naming a model and its test set, shared by `probe` and `compress`.
#include "cli/global_options.h"
#include "experiments/probe_model.h"

namespace netprobe::cli {

/// Adds --model (required), --data, --input-shape, --batch, --loss, --include, --split-attention and
/// --split-gates to `cmd`.
void add_model_source_options(CLI::App* cmd, experiments::ProbeModelSource& source);

}  // namespace netprobe::cli
