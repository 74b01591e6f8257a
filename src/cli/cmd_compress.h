#pragma once
/// `netprobe compress`: how far each layer of a model can be pruned, noised or binarized
/// (experiments/compression_run.h), and `netprobe export`: a netprobe MLP as TorchScript.
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_compress(CLI::App& app, const GlobalOptions& global);
Command setup_export(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
