#include "probes/scope.h"

namespace netprobe::probes {

Scope Scope::parse(const std::string& label) {
  Scope s;
  if (label == "all") return s;
  s.label_ = label;
  for (size_t start = 0; start <= label.size();) {
    const size_t end = std::min(label.find('+', start), label.size());
    s.layers_.push_back(label.substr(start, end - start));
    start = end + 1;
  }
  return s;
}

bool Scope::selects(const std::string& parameter) const {
  if (is_all()) return true;
  for (const auto& layer : layers_) {
    if (parameter == layer || parameter.rfind(layer + ".", 0) == 0) return true;
  }
  return false;
}

}  // namespace netprobe::probes
