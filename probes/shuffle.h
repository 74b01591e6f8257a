#pragma once
/// Bipartite randomization (PROBES.md probe 5): each weight matrix is a signed bipartite graph
/// (outputs x inputs); zeros never move and biases are untouched. Variants A-G:
///   A all non-zero values over all edges            B positives among positive edges, negatives
///   C / D per input / output node                      among negative ones (sign-preserving)
///   E / F per input / output node and sign          G degree-preserving switching of positive edges
///
///   torch::Tensor b = shuffle_within_groups(w, ShuffleGroups::kSign, gen);   // shuffle B
#include "probes/registry.h"

namespace netprobe::probes {

/// The bipartite graph a shuffle acts on: rows are output nodes, columns input nodes. A matrix
/// [out, in] is itself; a vector [n] is one column (an RNN's input vector); a kernel
/// [out, in, kh, kw] (or any tensor of higher rank) is flattened per output unit to
/// [out, in*kh*kw], so each (input channel, kernel offset) is one input node (docs/USER_MODELS.md).
torch::Tensor as_bipartite_matrix(const torch::Tensor& w);

/// How the non-zero entries of a weight matrix [out, in] are grouped before shuffling values
/// within each group; zero entries never move. Each group is one bipartite randomization:
/// A all, B by sign, C per input node, D per output node, E per input node and sign,
/// F per output node and sign.
enum class ShuffleGroups { kAll, kSign, kInputNode, kOutputNode, kInputNodeSign, kOutputNodeSign };
torch::Tensor shuffle_within_groups(const torch::Tensor& w, ShuffleGroups groups, at::Generator& gen);

/// G: degree-preserving switching of positive edges. Repeatedly picks two positive edges
/// (u1,v1), (u2,v2) whose crossed positions (u1,v2), (u2,v1) hold negative weights and swaps
/// them, so every node keeps its positive and negative in/out degree and zeros stay put.
/// `sweeps` attempted switches per positive edge.
torch::Tensor switch_positive_edges(const torch::Tensor& w, at::Generator& gen, int sweeps = 10);

/// The pipeline stage of shuffle `variant` ("A".."G"): never applied to biases.
ProbeStage shuffle_stage(const std::string& variant);

/// Registered as "shuffle": variants A-G, level-free, several draws.
const ProbeDefinition& shuffle_probe();

}  // namespace netprobe::probes
