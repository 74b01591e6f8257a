#include "probes/registry.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"

namespace netprobe::probes {

#define NETPROBE_PROBE(definition) const ProbeDefinition& definition();
#include "probes/probe_list.h"
#undef NETPROBE_PROBE

const std::vector<const ProbeDefinition*>& registered_probes() {
  static const std::vector<const ProbeDefinition*> probes = {
#define NETPROBE_PROBE(definition) &definition(),
#include "probes/probe_list.h"
#undef NETPROBE_PROBE
  };
  return probes;
}

namespace {

std::vector<std::string> registered_names() {
  std::vector<std::string> names;
  for (const ProbeDefinition* p : registered_probes()) names.push_back(p->name);
  return names;
}

}  // namespace

const ProbeDefinition& find_probe(const std::string& name, const std::string& option) {
  for (const ProbeDefinition* p : registered_probes()) {
    if (p->name == name) return *p;
  }
  throw core::UsageError(
      fmt::format("{}: unknown probe '{}' (known: {})", option, name, fmt::join(registered_names(), ", ")));
}

std::vector<std::string> study_probe_names() {
  std::vector<std::string> names;
  for (const ProbeDefinition* p : registered_probes()) {
    if (!p->study_variants.empty()) names.push_back(p->name);
  }
  return names;
}

void ProbeDefinition::check_variant(const std::string& variant) const {
  if (std::find(variants.begin(), variants.end(), variant) == variants.end()) {
    throw core::UsageError(
        fmt::format("--variant: probe '{}' has no variant '{}' (known: {})", name, variant, fmt::join(variants, ", ")));
  }
}

void ProbeDefinition::check_levels(const std::vector<double>& levels) const {
  if (levels.empty()) throw core::UsageError(fmt::format("--levels: empty grid for probe '{}'", name));
  if (level_free()) {
    if (levels != std::vector<double>{0.0}) {
      throw core::UsageError(fmt::format("--levels: probe '{}' takes no level", name));
    }
    return;
  }
  const bool fraction = level.kind == LevelKind::kFraction;
  for (double l : levels) {
    if (!std::isfinite(l) || l < 0 || (fraction && l > 1)) {
      throw core::UsageError(fmt::format("--levels: {} = {} is outside its range {} for probe '{}'", level.symbol, l,
                                         fraction ? "[0, 1]" : "[0, inf)", name));
    }
  }
}

Probe ProbeDefinition::build(const std::string& variant) const {
  check_variant(variant);
  return make(variant);
}

ProbeId ProbeId::parse(const std::string& name) {
  if (name == "none") return intact();
  for (const ProbeDefinition* p : registered_probes()) {
    if (p->name == name) return *p;
  }
  throw core::Error(fmt::format("unknown probe '{}' (known: none, {})", name, fmt::join(registered_names(), ", ")));
}

const ProbeDefinition& ProbeId::definition() const {
  if (probe_ == nullptr) throw core::Error("the intact model ('none') is not a probe");
  return *probe_;
}

const std::string& ProbeId::name() const {
  static const std::string none = "none";
  return probe_ == nullptr ? none : probe_->name;
}

}  // namespace netprobe::probes
