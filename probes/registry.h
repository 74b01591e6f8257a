#pragma once
/// The probe registry: every probe registers once (probes/probe_list.h) with its name, variants,
/// what its level means, its default grid and which evaluation modes make sense; the CLI's help
/// and validation, the sweep presets (study, layer profile, compression, RNN) and the report's
/// labels all read it. Inside netprobe a probe is a typed ProbeId; its name appears only at the
/// edges (CLI, CSV, JSON).
///
///   const ProbeDefinition& d = find_probe("flip");         // UsageError listing the known ones
///   Probe p = d.build("smallest");                         // the pipeline of one variant
///   d.level.symbol;                                        // "q"
///   ProbeId id = prune_probe();                            // typed identity, compares by address
#include <string>
#include <vector>

#include "probes/probe.h"

namespace netprobe::probes {

/// What a probe's level is.
enum class LevelKind {
  kNone,       ///< level-free (binarize, shuffle): the only level is 0
  kFraction,   ///< a fraction of each tensor's entries in [0, 1] (p of pruning, q of flipping)
  kAmplitude,  ///< a noise amplitude >= 0, read on a log axis
};

struct LevelMeaning {
  LevelKind kind = LevelKind::kNone;
  std::string symbol;      ///< "p", "q", "a"; "" for a level-free probe
  std::string axis_label;  ///< a figure's x axis: "fraction pruned p"

  /// A level-free probe's (its only level is 0).
  static LevelMeaning none() { return {}; }
  static LevelMeaning fraction(std::string symbol, std::string axis_label) {
    return {LevelKind::kFraction, std::move(symbol), std::move(axis_label)};
  }
  static LevelMeaning amplitude(std::string symbol, std::string axis_label) {
    return {LevelKind::kAmplitude, std::move(symbol), std::move(axis_label)};
  }
};

struct ProbeDefinition {
  std::string name;                   ///< the CLI's, CSV's and JSON's name: "prune"
  std::string description;            ///< one line of `probe --help`
  std::vector<std::string> variants;  ///< the first is the default
  LevelMeaning level;
  std::vector<double> default_levels;  ///< PROBES.md's grid; {0} for a level-free probe
  /// False where sign() of the probed network is the probed network itself (binarization).
  bool signed_mode = true;
  /// The variants the default study runs (PROBES.md's protocol); empty: not part of the study.
  std::vector<std::string> study_variants;
  /// The pipeline of one variant (one of `variants`).
  std::function<Probe(const std::string& variant)> make;

  const std::string& default_variant() const { return variants.front(); }
  bool level_free() const { return level.kind == LevelKind::kNone; }
  /// Levels of this probe are read on a log axis (noise amplitudes).
  bool log_axis() const { return level.kind == LevelKind::kAmplitude; }
  /// UsageError naming --variant and the known variants.
  void check_variant(const std::string& variant) const;
  /// UsageError naming --levels for an empty grid, a level outside the range (p, q in [0, 1];
  /// a >= 0) or a level given to a level-free probe.
  void check_levels(const std::vector<double>& levels) const;
  /// The pipeline of `variant`, checked first.
  Probe build(const std::string& variant) const;
};

/// Every registered probe, in registration order (the order of help, study rows and report).
const std::vector<const ProbeDefinition*>& registered_probes();
/// The registered probe named `name`; UsageError naming `option` and the known probes otherwise.
const ProbeDefinition& find_probe(const std::string& name, const std::string& option = "--probe");
/// The names of the probes whose study_variants are not empty: what `study --probes` takes.
std::vector<std::string> study_probe_names();

/// A probe as rows and selections name it: a registered probe, or the intact model ("none", the
/// unperturbed row of every sweep). Compares by identity; converts from a ProbeDefinition.
class ProbeId {
 public:
  ProbeId() = default;                                       ///< the intact model
  ProbeId(const ProbeDefinition& probe) : probe_(&probe) {}  // NOLINT: a definition is its id
  static ProbeId intact() { return {}; }
  /// "none" or a registered name; core::Error naming the unknown name (rows read from files).
  static ProbeId parse(const std::string& name);

  bool is_intact() const { return probe_ == nullptr; }
  /// The definition; core::Error for the intact model.
  const ProbeDefinition& definition() const;
  /// "none" or the probe's name.
  const std::string& name() const;

  friend bool operator==(ProbeId a, ProbeId b) { return a.probe_ == b.probe_; }
  friend bool operator!=(ProbeId a, ProbeId b) { return a.probe_ != b.probe_; }

 private:
  const ProbeDefinition* probe_ = nullptr;
};

}  // namespace netprobe::probes
