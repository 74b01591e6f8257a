#include "models/script_layers.h"

#include <map>

namespace netprobe::models {
namespace {

bool is_one_of(const std::string& type, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (type == n) return true;
  }
  return false;
}

bool is_norm(const std::string& type) { return type.find("Norm") != std::string::npos; }

// The layers of one module, built from its own parameters.
class ModuleLayers {
 public:
  ModuleLayers(LayerTable& table, const std::map<std::string, size_t>& index, std::string path, std::string type)
      : table_(table), index_(index), path_(std::move(path)), type_(std::move(type)) {}

  std::string full(const std::string& leaf) const { return path_.empty() ? leaf : path_ + "." + leaf; }

  // Adds `param` (or rows [begin, end) of it) to layer `layer` in `role`, creating the layer.
  void add(const std::string& layer, const std::string& param, const torch::Tensor& t, TensorRole role,
           int64_t begin = -1, int64_t end = -1, int64_t heads = 0) {
    Layer* l = nullptr;
    for (auto& existing : table_.layers) {
      if (existing.name == layer) l = &existing;
    }
    if (l == nullptr) {
      table_.layers.push_back({layer, type_, {}, heads});
      l = &table_.layers.back();
    }
    // Integer or boolean parameters (counters, masks) cannot be pruned or noised: never probed by default.
    if (!t.is_floating_point()) role = TensorRole::kOther;
    TensorPart part{index_.at(full(param)), full(param), role, begin < 0, 0, 0, t.sizes().vec()};
    part.heads = heads;
    part.head_blocks = heads > 0 && begin < 0 && param == "in_proj_weight" ? 3 : 1;
    if (heads > 0 && param == "in_proj_bias" && begin < 0) part.head_blocks = 3;
    if (begin >= 0) {
      part.row_begin = begin;
      part.row_end = end;
      part.shape[0] = end - begin;
    } else {
      part.row_end = t.dim() > 0 ? t.size(0) : 1;
    }
    l->parts.push_back(part);
  }

 private:
  LayerTable& table_;
  const std::map<std::string, size_t>& index_;
  std::string path_, type_;
};

// A parameter that no rule claims: a weight (rank >= 2) or "other", a layer of its own.
TensorRole generic_role(const torch::Tensor& t) { return t.dim() >= 2 ? TensorRole::kWeight : TensorRole::kOther; }

void attention_layers(ModuleLayers& m, const torch::jit::Module& module,
                      const std::map<std::string, torch::Tensor>& own, const ScriptLayerOptions& o) {
  const int64_t heads = module.hasattr("num_heads") ? module.attr("num_heads").toInt() : 0;
  const char* qkv[] = {"q", "k", "v"};
  const auto bias_rows = [&](const std::string& layer, int i, int64_t e) {
    const auto b = own.find("in_proj_bias");
    if (b != own.end()) m.add(layer, "in_proj_bias", b->second, TensorRole::kBias, i * e, (i + 1) * e, heads);
  };
  if (own.count("in_proj_weight")) {
    const torch::Tensor& w = own.at("in_proj_weight");
    if (!o.split_attention) {
      m.add(m.full("in_proj"), "in_proj_weight", w, TensorRole::kWeight, -1, -1, heads);
      if (own.count("in_proj_bias"))
        m.add(m.full("in_proj"), "in_proj_bias", own.at("in_proj_bias"), TensorRole::kBias, -1, -1, heads);
    } else {
      const int64_t e = w.size(0) / 3;
      for (int i = 0; i < 3; ++i) {
        m.add(m.full(qkv[i]), "in_proj_weight", w, TensorRole::kWeight, i * e, (i + 1) * e, heads);
        bias_rows(m.full(qkv[i]), i, e);
      }
    }
  }
  for (int i = 0; i < 3; ++i) {  // separate q, k, v projections (kdim, vdim != embed_dim)
    const std::string name = std::string(qkv[i]) + "_proj_weight";
    if (!own.count(name)) continue;
    const torch::Tensor& w = own.at(name);
    m.add(m.full(qkv[i]), name, w, TensorRole::kWeight, -1, -1, heads);
    bias_rows(m.full(qkv[i]), i, w.size(0));
  }
  const std::string in_proj = o.split_attention || !own.count("in_proj_weight") ? "" : "in_proj";
  for (const char* extra : {"bias_k", "bias_v"}) {
    if (!own.count(extra)) continue;
    const std::string layer = in_proj.empty() ? m.full(extra[5] == 'k' ? "k" : "v") : m.full(in_proj);
    m.add(layer, extra, own.at(extra), TensorRole::kBias);
  }
}

void recurrent_layers(ModuleLayers& m, const std::string& type, const std::vector<std::string>& names,
                      const std::map<std::string, torch::Tensor>& own, const ScriptLayerOptions& o) {
  const std::vector<std::string> gates = type == "LSTM"  ? std::vector<std::string>{"i", "f", "g", "o"}
                                         : type == "GRU" ? std::vector<std::string>{"r", "z", "n"}
                                                         : std::vector<std::string>{};
  for (const auto& name : names) {
    const torch::Tensor& t = own.at(name);
    const bool bias = name.rfind("bias_", 0) == 0;
    // bias_ih_l0 belongs to weight_ih_l0; weight_hr_l0 (a projection) has no gates.
    const std::string weight = bias ? "weight_" + name.substr(5) : name;
    const TensorRole role = bias ? TensorRole::kBias : TensorRole::kWeight;
    const bool gated = o.split_gates && !gates.empty() && weight.rfind("weight_hr", 0) != 0;
    if (!gated) {
      m.add(m.full(weight), name, t, role);
      continue;
    }
    const int64_t h = t.size(0) / static_cast<int64_t>(gates.size());
    for (size_t g = 0; g < gates.size(); ++g) {
      m.add(m.full(weight) + "." + gates[g], name, t, role, static_cast<int64_t>(g) * h,
            static_cast<int64_t>(g + 1) * h);
    }
  }
}

}  // namespace

std::string module_type_name(const torch::jit::Module& module) {
  const auto name = module.type()->name();
  return name ? name->name() : "Module";
}

LayerTable layers_of_script_module(const torch::jit::Module& module, const ScriptLayerOptions& options) {
  std::map<std::string, size_t> index;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) index.emplace(p.name, index.size());
  LayerTable table;
  for (const auto& sub : module.named_modules()) {
    std::vector<std::string> names;
    std::map<std::string, torch::Tensor> own;
    for (const auto& p : sub.value.named_parameters(/*recurse=*/false)) {
      names.push_back(p.name);
      own[p.name] = p.value;
    }
    if (names.empty()) continue;
    const std::string type = module_type_name(sub.value);
    ModuleLayers m(table, index, sub.name, type);
    if (type == "MultiheadAttention") {
      attention_layers(m, sub.value, own, options);
      continue;
    }
    if (is_one_of(type, {"LSTM", "GRU", "RNN"})) {
      recurrent_layers(m, type, names, own, options);
      continue;
    }
    const bool embedding = is_one_of(type, {"Embedding", "EmbeddingBag"});
    const bool norm = is_norm(type);
    const std::string layer = sub.name.empty() ? "" : sub.name;
    for (const auto& name : names) {
      const torch::Tensor& t = own.at(name);
      if (name == "weight" && !layer.empty()) {
        m.add(layer, name, t, norm ? TensorRole::kNormScale : embedding ? TensorRole::kEmbedding : generic_role(t));
      } else if (name == "bias" && !layer.empty() && own.count("weight")) {
        m.add(layer, name, t, norm ? TensorRole::kNormShift : TensorRole::kBias);
      } else {
        m.add(m.full(name), name, t, generic_role(t));
      }
    }
  }
  return table;
}

}  // namespace netprobe::models
