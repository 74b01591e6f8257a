#pragma once
/// Probe targets of netprobe-style parameter lists, for the tests of the probes (header only: the
/// test support library does not link the probes).
#include <string>

#include "models/layers.h"
#include "probes/selection.h"

namespace netprobe::testing {

/// Layers from the parameter names (fc1 = fc1.weight + fc1.bias; m, U, V, z alone), weights and
/// biases probed unless `roles` says otherwise.
inline probes::ProbeTarget target_of(const core::NamedTensors& params,
                                     probes::RoleSet roles = probes::RoleSet::weights_and_biases()) {
  return {params, models::layers_of_named_parameters(params), roles};
}

/// What `scope` ("all", "fc2", "U+V") selects in target_of(params).
inline probes::Selection selection_of(const core::NamedTensors& params, const std::string& scope = "all") {
  return target_of(params).select(probes::Scope::parse(scope));
}

}  // namespace netprobe::testing
