#include "experiments/layers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/text.h"

namespace netprobe::experiments {

LayersResult run_layers(const LayersConfig& config, const core::RunContext& context) {
  probes::RoleSet::parse_include(config.source.include);
  LayersResult result;
  result.model = config.source.model.string();
  probes::ProbeTarget target;
  if (config.source.data.empty() && !std::filesystem::is_directory(config.source.model)) {
    target = load_probe_target(config.source);
  } else {
    const ProbeModel model = load_probe_model(config.source, context);
    target = model.target;
    result.task = model.task;
    result.metric = probes::metric_name(model.metric);
    result.intact = model.evaluate({target.params}).front().value;
  }
  result.roles = target.roles.label();
  for (const auto& layer : target.layers.layers) {
    LayerInfo info{layer.name, layer.module_type, {}, 0, std::nan("")};
    for (const auto& part : layer.parts) {
      const bool probed = target.roles.contains(part.role);
      info.tensors.push_back({part.name, part.shape, part.entries(), models::role_name(part.role), probed});
      if (probed) info.probed_entries += part.entries();
    }
    info.sigma_w = probes::weight_sigma(target.params, target.select(probes::Scope::parse(layer.name)));
    result.layers.push_back(std::move(info));
  }
  return result;
}

core::Json LayersResult::to_json() const {
  core::Json j = {{"model", model}, {"roles", roles}, {"layers", layers}};
  if (!task.empty()) j["intact"] = {{"task", task}, {"metric", metric}, {"value", intact}};
  return j;
}

std::string format_layers(const LayersResult& r) {
  std::string out = fmt::format("{}: {} layers; probed roles: {}", r.model, r.layers.size(), r.roles);
  if (!r.task.empty()) out += fmt::format("; intact {} on {}: {:.2f}", r.metric, r.task, r.intact);
  out += "\n";
  core::TextTable table({"layer", "type", "shape", "probed", "roles (* probed)", "σ(w)"}, "lllrlr");
  for (const auto& l : r.layers) {
    std::vector<std::string> roles;
    for (const auto& t : l.tensors) roles.push_back(t.role + (t.probed ? "*" : ""));
    table.add({l.layer, l.module_type, fmt::format("[{}]", fmt::join(l.tensors.front().shape, ", ")),
               std::to_string(l.probed_entries), fmt::format("{}", fmt::join(roles, ", ")),
               core::number_or_dash(l.sigma_w, "{:.3g}")});
  }
  out += table.str();
  return out;
}

}  // namespace netprobe::experiments
