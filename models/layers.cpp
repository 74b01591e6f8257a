#include "models/layers.h"

#include <map>

namespace netprobe::models {

const std::string& role_name(TensorRole role) {
  static const std::string names[] = {"weight", "embedding", "bias", "norm-scale", "norm-shift", "other"};
  return names[static_cast<int>(role)];
}

int64_t TensorPart::entries() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

const Layer* LayerTable::find(const std::string& name) const {
  for (const auto& l : layers) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::vector<std::string> LayerTable::names() const {
  std::vector<std::string> out;
  for (const auto& l : layers) out.push_back(l.name);
  return out;
}

LayerTable layers_of_named_parameters(const core::NamedTensors& params) {
  LayerTable table;
  std::map<std::string, size_t> index;  // layer name -> position in table.layers
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& [name, t] = params[i];
    const size_t dot = name.rfind('.');
    const std::string layer = dot == std::string::npos ? name : name.substr(0, dot);
    const std::string leaf = dot == std::string::npos ? name : name.substr(dot + 1);
    const TensorRole role = leaf == "bias" ? TensorRole::kBias : TensorRole::kWeight;
    if (!index.count(layer)) {
      index[layer] = table.layers.size();
      table.layers.push_back({layer, dot == std::string::npos ? "Parameter" : "Linear", {}});
    }
    table.layers[index[layer]].parts.push_back({i, name, role, true, 0, t.dim() > 0 ? t.size(0) : 1, t.sizes().vec()});
  }
  return table;
}

}  // namespace netprobe::models
