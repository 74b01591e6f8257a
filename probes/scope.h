#pragma once
/// Which layers of a model a probe acts on: all of them, one layer for a layer profile, or several
/// joined by '+' (an RNN's connectivity "U+V"). A scope names layers of the model's layer table
/// (models/layers.h); ProbeTarget::select turns it into tensors. Its label ("all", "fc1", "U+V")
/// is what rows, CSV and the CLI show.
///
///   Scope s = Scope::parse("U+V");   // s.layers() == {"U", "V"}
///   Scope::all().label();            // "all"
#include <string>
#include <vector>

namespace netprobe::probes {

class Scope {
 public:
  /// Every tensor of the model.
  Scope() = default;
  static Scope all() { return {}; }
  /// "all", a layer name, or layer names joined by '+'.
  static Scope parse(const std::string& label);

  bool is_all() const { return layers_.empty(); }
  /// "all", or the layer names joined by '+'.
  const std::string& label() const { return label_; }
  /// The layer names (none for all).
  const std::vector<std::string>& layers() const { return layers_; }

  friend bool operator==(const Scope& a, const Scope& b) { return a.label_ == b.label_; }
  friend bool operator!=(const Scope& a, const Scope& b) { return !(a == b); }

 private:
  std::string label_ = "all";
  std::vector<std::string> layers_;
};

}  // namespace netprobe::probes
