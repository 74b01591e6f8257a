#pragma once
/// `netprobe export`: a netprobe MLP run as a TorchScript file (torch.jit.load in Python), the
/// same model `probe` and `compress` then see through the TorchScript path.
///
///   ExportResult r = run_export({"runs/7v9", "model.pt"}, ctx);
#include <filesystem>
#include <string>

#include "core/run_context.h"

namespace netprobe::experiments {

struct ExportConfig {
  std::filesystem::path model;  ///< a `netprobe train` run directory
  std::filesystem::path out;    ///< the .pt file to write
  /// UsageError naming --out when it is empty or a directory.
  void validate() const;
};

struct ExportResult {
  int64_t inputs = 0, classes = 0;
};

/// Writes config.out atomically.
ExportResult run_export(const ExportConfig& config, const core::RunContext& context);

/// "model.pt: TorchScript MLP 784 -> 2 classes"
std::string format_export(const ExportConfig& config, const ExportResult& result);

}  // namespace netprobe::experiments
