#include "probes/probe.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "probes/entry_picks.h"

namespace netprobe::probes {

const std::string& to_string(Mode mode) {
  static const std::string full = "full", signed_ = "signed";
  return mode == Mode::kFull ? full : signed_;
}

Mode parse_mode(const std::string& text) {
  if (text == "full") return Mode::kFull;
  if (text == "signed") return Mode::kSigned;
  throw core::Error(fmt::format("unknown mode '{}' (full, signed)", text));
}

bool is_bias(const std::string& name) {
  static const std::string suffix = ".bias";
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

ProbeOutput apply_probe(const Probe& probe, const core::NamedTensors& params, const Scope& scope, double level,
                        at::Generator& gen) {
  torch::NoGradGuard no_grad;
  ProbeOutput out;
  out.tensors.reserve(params.size());
  for (const auto& [name, w] : params) {
    if (!scope.selects(name)) {
      out.tensors.emplace_back(name, w);
      continue;
    }
    torch::Tensor t = w;
    for (const ProbeStage& stage : probe.stages) {
      if (stage.on_biases || !is_bias(name)) t = stage.op(t, level, gen);
    }
    out.report.total += w.numel();
    out.report.changed += count_changed(t, w);
    out.report.zeros += count_zeros(t);
    out.tensors.emplace_back(name, t);
  }
  return out;
}

core::NamedTensors signed_copy(const core::NamedTensors& params, const Scope& scope) {
  core::NamedTensors out;
  out.reserve(params.size());
  for (const auto& [name, w] : params) out.emplace_back(name, scope.selects(name) ? w.sign() : w);
  return out;
}

}  // namespace netprobe::probes
