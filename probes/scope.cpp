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

}  // namespace netprobe::probes
