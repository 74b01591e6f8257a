#pragma once
/// `netprobe data info`: per-split, per-class counts of the registered datasets.
#include <ostream>
#include <string>

#include "cli/global_options.h"

namespace netprobe::cli {

struct DataInfoOptions {
  std::string dataset;  ///< empty = every registered dataset
  std::optional<std::filesystem::path> data_dir;
};

Command setup_data(CLI::App& app, const GlobalOptions& global);
void run_data_info(const DataInfoOptions& options, std::ostream& out);

}  // namespace netprobe::cli
