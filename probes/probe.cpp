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

namespace {

bool leaves_alone(const ProbeStage& stage, models::TensorRole role) {
  return !stage.on_biases && (role == models::TensorRole::kBias || role == models::TensorRole::kNormShift);
}

// `params` with the selected parts replaced by `make(part tensor, part)`: a whole tensor is
// replaced, a block of rows is written into a copy of its parameter.
template <typename Make>
core::NamedTensors with_parts_replaced(const core::NamedTensors& params, const Selection& selection, Make&& make) {
  core::NamedTensors out = params;  // untouched tensors are shared
  std::vector<bool> copied(params.size(), false);
  for (const auto& part : selection.parts) {
    torch::Tensor replaced = make(part_of(params, part), part);
    torch::Tensor& target = out[part.parameter].second;
    if (part.whole) {
      target = replaced;
      continue;
    }
    if (!copied[part.parameter]) {
      target = target.clone(at::MemoryFormat::Contiguous);
      copied[part.parameter] = true;
    }
    target.narrow(0, part.row_begin, part.row_end - part.row_begin).copy_(replaced);
  }
  return out;
}

}  // namespace

ProbeOutput apply_probe(const Probe& probe, const core::NamedTensors& params, const Selection& selection, double level,
                        at::Generator& gen) {
  torch::NoGradGuard no_grad;
  ProbeOutput out;
  std::vector<torch::Tensor> jointly;  // a joint stage's results, in selection order
  if (probe.joint) {
    for (const auto& part : selection.parts) jointly.push_back(part_of(params, part).clone());
    probe.joint(jointly, level, gen);
  }
  size_t next = 0;
  out.tensors = with_parts_replaced(params, selection, [&](const torch::Tensor& w, const models::TensorPart& part) {
    torch::Tensor t = w;
    if (probe.joint) t = jointly[next++];
    for (const ProbeStage& stage : probe.joint ? std::vector<ProbeStage>{} : probe.stages) {
      if (leaves_alone(stage, part.role)) continue;
      t = stage.part_op ? stage.part_op(t, part, level, gen) : stage.op(t, level, gen);
    }
    out.report.total += w.numel();
    out.report.changed += count_changed(t, w);
    out.report.zeros += count_zeros(t);
    return t;
  });
  return out;
}

core::NamedTensors signed_copy(const core::NamedTensors& params, const Selection& selection) {
  return with_parts_replaced(params, selection,
                             [](const torch::Tensor& w, const models::TensorPart&) { return w.sign(); });
}

int64_t count_changed(const core::NamedTensors& a, const core::NamedTensors& b, const Selection& selection) {
  int64_t changed = 0;
  for (const auto& part : selection.parts) changed += count_changed(part_of(a, part), part_of(b, part));
  return changed;
}

}  // namespace netprobe::probes
