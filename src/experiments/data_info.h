#pragma once
/// `netprobe data info`: per-split, per-class image counts of the registered datasets.
///
///   DataInfoResult r = run_data_info({"mnist"}, ctx);
///   std::cout << format_data_info(r);
#include <filesystem>
#include <string>
#include <vector>

#include "core/run_context.h"

namespace netprobe::experiments {

struct DataInfoConfig {
  std::string dataset;  ///< empty = every registered dataset
};

struct DatasetCounts {
  std::string name;
  std::filesystem::path dir;  ///< where its files were found
  std::vector<std::string> class_names;
  std::vector<int64_t> train, test;  ///< images per class
};

struct DataInfoResult {
  std::vector<DatasetCounts> datasets;
};

/// Reads every split of the selected datasets (UsageError for an unknown name, core::Error naming
/// a missing or corrupt file).
DataInfoResult run_data_info(const DataInfoConfig& config, const core::RunContext& context);

/// One table per dataset: class, name, train and test counts, and the totals.
std::string format_data_info(const DataInfoResult& result);

}  // namespace netprobe::experiments
