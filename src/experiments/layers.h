#pragma once
/// `netprobe layers`: what the probes see of a model: every layer (a module's weight tensor, or a
/// block of its rows) with its module type, its tensors' shapes and roles, whether each is probed
/// (weights and embeddings by default; --include biases,norms,others), and its weights' std; with
/// --data also the intact model's metric on the test set.
///
///   LayersResult r = run_layers({source}, ctx);
///   std::cout << format_layers(r);
#include <optional>
#include <string>
#include <vector>

#include "experiments/probe_model.h"

namespace netprobe::experiments {

struct LayersConfig {
  ProbeModelSource source;  ///< --data optional: without it, no test set is read
};

struct LayerTensor {
  std::string parameter;
  std::vector<int64_t> shape;  ///< of the part (a block of rows of the parameter when split)
  int64_t entries = 0;
  std::string role;
  bool probed = false;
};
NETPROBE_JSON_FIELDS(LayerTensor, parameter, shape, entries, role, probed)

struct LayerInfo {
  std::string layer, module_type;
  std::vector<LayerTensor> tensors;
  int64_t probed_entries = 0;
  double sigma_w = std::nan("");  ///< std of its probed weights and embeddings
};
NETPROBE_JSON_FIELDS(LayerInfo, layer, module_type, tensors, probed_entries, sigma_w)

struct LayersResult {
  std::string model, roles;
  std::vector<LayerInfo> layers;
  std::string task, metric;  ///< with --data
  double intact = std::nan("");
  core::Json to_json() const;
};

LayersResult run_layers(const LayersConfig& config, const core::RunContext& context);

/// One line per layer: name, type, its main tensor's shape, entries probed, roles, σ(w).
std::string format_layers(const LayersResult& result);

}  // namespace netprobe::experiments
