#pragma once
/// What a probe is: a pipeline of per-tensor operations applied to named parameter tensors.
///
///   auto gen = core::make_generator(7);
///   ProbeOutput out = apply_probe(make_probe("prune", "magnitude"), params, Scope{}, 0.9, gen);
///   // out.tensors: same names, fc1.weight with exactly floor(0.1 * n) non-zeros kept
///
/// Probes are pure: the caller's tensors are never modified; untouched tensors are shared.
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>

#include "core/checkpoint.h"

namespace netprobe::probes {

/// Which tensors a probe acts on: every parameter, or those of one layer ("fc1" selects
/// fc1.weight and fc1.bias) for a layer profile, or of several joined by '+' (an RNN's "U+V").
struct Scope {
  std::string layer;  ///< empty = all layers
  bool selects(const std::string& name) const;
  /// The '+'-separated names ("U+V" -> U, V); empty for all layers.
  std::vector<std::string> names() const;
  std::string label() const { return layer.empty() ? "all" : layer; }
};

/// True for bias vectors (name ends in ".bias").
bool is_bias(const std::string& name);

/// One step of a probe on one tensor; `level` is the probe's level (p, a, q; ignored by
/// level-free steps).
using TensorOp = std::function<torch::Tensor(const torch::Tensor& w, double level, at::Generator& gen)>;

struct ProbeStage {
  TensorOp op;
  bool on_biases = true;  ///< bipartite randomizations leave biases alone
};

struct Probe {
  std::string name;     ///< "prune", "noise", ..., "prune-shuffle"
  std::string variant;  ///< "magnitude", "random", "B", ...
  std::vector<ProbeStage> stages;
  bool stochastic = false;  ///< needs several draws
};

/// What a probe did, summed over the selected tensors.
struct ProbeReport {
  int64_t total = 0;    ///< entries in the selected tensors
  int64_t changed = 0;  ///< entries whose value differs from the input
  int64_t zeros = 0;    ///< zero entries after the probe (realized sparsity = zeros / total)
};

struct ProbeOutput {
  core::NamedTensors tensors;
  ProbeReport report;
};

/// Applies every stage to each selected tensor separately (per layer, biases with their own
/// counts) and returns new tensors; unselected tensors are passed through unchanged.
ProbeOutput apply_probe(const Probe& probe, const core::NamedTensors& params, const Scope& scope, double level,
                        at::Generator& gen);

/// sign() of every selected tensor (0 stays 0): the "signed" evaluation of a probed network.
core::NamedTensors signed_copy(const core::NamedTensors& params, const Scope& scope);

}  // namespace netprobe::probes
