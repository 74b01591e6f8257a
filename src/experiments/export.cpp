#include "experiments/export.h"

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "experiments/classifier_run.h"
#include "models/mlp_script.h"

namespace netprobe::experiments {

void ExportConfig::validate() const {
  if (out.empty()) throw core::UsageError("--out: empty; name the .pt file to write");
  std::error_code ec;
  if (std::filesystem::is_directory(out, ec)) {
    throw core::UsageError(fmt::format("--out: {} is a directory; name the .pt file to write", out.string()));
  }
}

ExportResult run_export(const ExportConfig& config, const core::RunContext& /*context*/) {
  config.validate();
  const ClassifierRun run = load_classifier_run(config.model);
  const torch::jit::Module module = models::script_mlp(*run.model);
  core::write_atomically(config.out, [&](const std::filesystem::path& staged) { module.save(staged.string()); });
  return {run.model->options().input_size(), run.model->options().classes()};
}

std::string format_export(const ExportConfig& config, const ExportResult& r) {
  return fmt::format("{}: TorchScript MLP {} -> {} classes\n", config.out.string(), r.inputs, r.classes);
}

}  // namespace netprobe::experiments
