#include "probes/selection.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"

namespace netprobe::probes {

using models::TensorRole;

RoleSet RoleSet::weights() { return RoleSet().add(TensorRole::kWeight).add(TensorRole::kEmbedding); }

RoleSet RoleSet::weights_and_biases() { return weights().add(TensorRole::kBias); }

RoleSet& RoleSet::add(TensorRole role) {
  bits_ |= 1u << static_cast<int>(role);
  return *this;
}

RoleSet RoleSet::parse_include(const std::string& text, const std::string& option) {
  RoleSet set = weights();
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    const std::string word = text.substr(start, end - start);
    if (word == "biases") {
      set.add(TensorRole::kBias);
    } else if (word == "norms") {
      set.add(TensorRole::kNormScale).add(TensorRole::kNormShift);
    } else if (word == "others") {
      set.add(TensorRole::kOther);
    } else if (!(word.empty() && text.empty())) {
      throw core::UsageError(
          fmt::format("{}: '{}' is not a role to include (known: biases, norms, others; weights and embeddings are "
                      "always probed)",
                      option, word));
    }
    start = end + 1;
  }
  return set;
}

std::string RoleSet::label() const {
  std::vector<std::string> names;
  for (int r = 0; r <= static_cast<int>(TensorRole::kOther); ++r) {
    if (contains(static_cast<TensorRole>(r))) names.push_back(models::role_name(static_cast<TensorRole>(r)));
  }
  return fmt::format("{}", fmt::join(names, "+"));
}

int64_t Selection::entries() const {
  int64_t n = 0;
  for (const auto& p : parts) n += p.entries();
  return n;
}

bool Selection::touches(size_t parameter) const {
  return std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return p.parameter == parameter; });
}

Selection ProbeTarget::select(const Scope& scope) const {
  Selection s;
  const auto take = [&](const models::Layer& layer) {
    for (const auto& part : layer.parts) {
      if (roles.contains(part.role)) s.parts.push_back(part);
    }
  };
  if (scope.is_all()) {
    for (const auto& layer : layers.layers) take(layer);
  } else {
    for (const auto& name : scope.layers()) {
      const models::Layer* layer = layers.find(name);
      if (layer == nullptr) {
        throw core::UsageError(
            fmt::format("--scope: the model has no layer '{}' (layers: {})", name, fmt::join(layers.names(), ", ")));
      }
      take(*layer);
    }
  }
  std::sort(s.parts.begin(), s.parts.end(), [](const auto& a, const auto& b) {
    return std::tie(a.parameter, a.row_begin) < std::tie(b.parameter, b.row_begin);
  });
  return s;
}

std::vector<std::string> ProbeTarget::probed_layers() const {
  std::vector<std::string> out;
  for (const auto& layer : layers.layers) {
    if (std::any_of(layer.parts.begin(), layer.parts.end(), [&](const auto& p) { return roles.contains(p.role); })) {
      out.push_back(layer.name);
    }
  }
  return out;
}

torch::Tensor part_of(const core::NamedTensors& params, const models::TensorPart& part) {
  const torch::Tensor& t = params.at(part.parameter).second;
  return part.whole ? t : t.narrow(0, part.row_begin, part.row_end - part.row_begin);
}

double weight_sigma(const core::NamedTensors& params, const Selection& selection) {
  std::vector<torch::Tensor> weights;
  for (const auto& part : selection.parts) {
    if (part.role == TensorRole::kWeight || part.role == TensorRole::kEmbedding) {
      weights.push_back(part_of(params, part).flatten());
    }
  }
  return weights.empty() ? std::nan("") : torch::cat(weights).to(torch::kFloat64).std().item<double>();
}

}  // namespace netprobe::probes
