#pragma once
/// Named sweep presets: the sweeps each netprobe job runs, written once.
///
///   auto specs = study_preset(study_probes({"prune", "binarize"}), /*draws=*/5);
///   auto more = layer_profile_preset({"fc1", "fc2"}, 5);          // a study's --layer-profile
///   auto comp = compression_preset({Scope::all(), Scope::parse("fc1")}, 5);
#include <string>
#include <vector>

#include "probes/sweep.h"

namespace netprobe::probes {

/// The registered probes `names` selects for a study, in registry order (UsageError naming
/// --probes for a name that is not a study probe; "combined" is prune-shuffle's old name).
std::vector<const ProbeDefinition*> study_probes(const std::vector<std::string>& names);

/// PROBES.md's protocol: each selected probe's study variants over its default grid, in every mode
/// that makes sense (so signed magnitude pruning is prune-then-binarize; binarization full only).
std::vector<SweepSpec> study_preset(const std::vector<const ProbeDefinition*>& probes, int draws);

/// A study's layer profile, per layer (the others intact): magnitude pruning and shuffle B (both
/// modes), binarization, and the rest of the compression answer, random pruning and uniform noise
/// (full precision).
std::vector<SweepSpec> layer_profile_preset(const std::vector<std::string>& layers, int draws);

/// `netprobe compress`, per scope, full precision: magnitude and random pruning over the pruning
/// grid, uniform noise over its grid, binarization, shuffle B.
std::vector<SweepSpec> compression_preset(const std::vector<Scope>& scopes, int draws);

/// `netprobe rnn probe`, per scope: magnitude/random pruning (both modes), sign/scaled
/// binarization, Gaussian noise on rnn_noise_grid(), smallest/random sign flips, shuffles A and B.
std::vector<SweepSpec> rnn_preset(const std::vector<Scope>& scopes);

/// 2^-7 .. 2^3, 31 points: an RNN vector's entries are O(1) (|a|^2 / N = 1) and a perturbation
/// reaches the overlaps averaged over N neurons, so the grid runs past the MLP's (which stops at 1).
std::vector<double> rnn_noise_grid();

}  // namespace netprobe::probes
