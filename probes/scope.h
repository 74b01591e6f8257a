#pragma once
/// Which tensors of a model a probe acts on: all of them, or the layers a scope names: one layer
/// ("fc1" selects fc1.weight and fc1.bias) for a layer profile, or several joined by '+' (an RNN's
/// connectivity "U+V"). Its label ("all", "fc1", "U+V") is what rows, CSV and the CLI show.
///
///   Scope s = Scope::parse("U+V");
///   s.selects("U");          // true
///   Scope::all().label();    // "all"
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
  /// True when `parameter` is one of the scope's layers or lies below one ("fc1" selects
  /// "fc1.weight" but not "fc10.weight").
  bool selects(const std::string& parameter) const;

  friend bool operator==(const Scope& a, const Scope& b) { return a.label_ == b.label_; }
  friend bool operator!=(const Scope& a, const Scope& b) { return !(a == b); }

 private:
  std::string label_ = "all";
  std::vector<std::string> layers_;
};

}  // namespace netprobe::probes
