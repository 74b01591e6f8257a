#pragma once
/// What a probe is: a pipeline of per-tensor steps applied to a model's named parameter tensors,
/// and the two ways a probed network is evaluated (as is, or sign() of it).
///
///   auto gen = core::make_generator(7);
///   const Probe& p = prune_probe().build("magnitude");
///   ProbeOutput out = apply_probe(p, params, target.select(Scope::all()), 0.9, gen);
///   // out.tensors: same names, fc1.weight with exactly floor(0.1 * n) non-zeros kept
///
/// Probes are pure: the caller's tensors are never modified; untouched tensors are shared.
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>

#include "core/checkpoint.h"
#include "probes/selection.h"

namespace netprobe::probes {

/// How a probed network is evaluated: as the probe left it, or "signed" (sign() of every probed
/// tensor, 0 staying 0). Written "full" and "signed" in rows.
enum class Mode { kFull, kSigned };
const std::string& to_string(Mode mode);
/// "full" or "signed"; core::Error otherwise.
Mode parse_mode(const std::string& text);

/// One step of a probe on one tensor; `level` is the probe's level (p, a, q; ignored by
/// level-free steps).
using TensorOp = std::function<torch::Tensor(const torch::Tensor& w, double level, at::Generator& gen)>;

/// A step that needs to know what its tensor is (an attention projection's heads).
using PartOp = std::function<torch::Tensor(const torch::Tensor& w, const models::TensorPart& part, double level,
                                           at::Generator& gen)>;

struct ProbeStage {
  TensorOp op;
  bool on_biases = true;     ///< bipartite randomizations leave biases (and norm shifts) alone
  PartOp part_op = nullptr;  ///< used instead of `op` when set
};

/// A step on every selected tensor at once (one ranking across layers): it replaces `tensors`'
/// entries in place.
using JointOp = std::function<void(std::vector<torch::Tensor>& tensors, double level, at::Generator& gen)>;

/// The pipeline of one probe variant: per-tensor stages, or one joint stage.
struct Probe {
  std::vector<ProbeStage> stages;
  bool stochastic = false;  ///< draws randomness: run several draws per level
  JointOp joint = nullptr;  ///< when set, `stages` are not used
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

/// Applies every stage to each selected part separately (per layer, biases with their own counts)
/// and returns new tensors; unselected tensors (and rows) are passed through unchanged.
ProbeOutput apply_probe(const Probe& probe, const core::NamedTensors& params, const Selection& selection, double level,
                        at::Generator& gen);

/// sign() of every selected part (0 stays 0): the "signed" evaluation of a probed network.
core::NamedTensors signed_copy(const core::NamedTensors& params, const Selection& selection);

/// Entries of the selected parts that differ between `a` and `b` (same names and shapes).
int64_t count_changed(const core::NamedTensors& a, const core::NamedTensors& b, const Selection& selection);

}  // namespace netprobe::probes
