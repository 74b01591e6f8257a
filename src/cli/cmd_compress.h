#pragma once
/// `netprobe compress`: how far each layer of a model can be pruned, noised or binarized
/// (experiments/compress.h).
#include "cli/global_options.h"

namespace netprobe::cli {

Command setup_compress(CLI::App& app, const GlobalOptions& global);

}  // namespace netprobe::cli
