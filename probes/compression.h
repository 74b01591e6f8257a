#pragma once
/// The compression answer per layer: how far each layer (one at a time, the others intact, as a
/// sensitivity analysis does) can be pruned or noised before accuracy drops by more than
/// `max_drop` points, whether it survives binarization, and its Δ_bin / Δ_shuf.
///
///   std::vector<Scope> scopes = {Scope::all(), Scope::parse("fc1"), Scope::parse("fc2")};
///   auto rows = run_sweeps(params, compression_preset(scopes, /*draws=*/5), evaluate, context);
///   auto layers = compress_by_layer(rows, scopes, sigmas, classes, 1.0);
///
/// With several seeds (a study) every accuracy is the median over seeds of each seed's mean over
/// draws, as the score's curves are.
#include <map>
#include <string>
#include <vector>

#include "probes/score.h"
#include "probes/sweep.h"

namespace netprobe::probes {

struct LayerCompression {
  std::string layer;            ///< a scope: "all" or a layer name
  int64_t entries = 0;          ///< values in the layer's tensors (weights and biases)
  double sigma_w = kUndefined;  ///< std of the layer's weights (biases excluded): the unit of noise
  double full_accuracy = kUndefined;
  /// Largest level L of the grid such that every level up to L keeps accuracy >= full - max_drop;
  /// undefined when the probe was not run or already its first level drops further.
  double max_prune_magnitude = kUndefined, max_prune_random = kUndefined;
  double sparsity_magnitude = kUndefined;  ///< realized zeros / entries at max_prune_magnitude
  double max_noise = kUndefined;           ///< uniform noise amplitude a
  double max_noise_sigma = kUndefined;     ///< the same in units of sigma_w
  double binarized_accuracy = kUndefined, shuffled_accuracy = kUndefined;
  bool binarize_survives = false;  ///< binarized accuracy >= full - max_drop
  double delta_bin = kUndefined, delta_shuf = kUndefined;
};
NETPROBE_JSON_FIELDS(LayerCompression, layer, entries, sigma_w, full_accuracy, max_prune_magnitude, max_prune_random,
                     sparsity_magnitude, max_noise, max_noise_sigma, binarized_accuracy, shuffled_accuracy,
                     binarize_survives, delta_bin, delta_shuf)

/// The largest level up to which every level's median accuracy stays >= floor (see above).
double largest_level_within(const std::vector<CurvePoint>& curve, double floor);

/// One entry per scope, in the order given. `sigma_w` maps a scope's label to its weights' std.
std::vector<LayerCompression> compress_by_layer(const std::vector<SweepRow>& rows, const std::vector<Scope>& scopes,
                                                const std::map<std::string, double>& sigma_w, int classes,
                                                double max_drop);

/// "1 point", "0.5 points": a --max-drop for text.
std::string points_text(double max_drop);

/// The layers as a JSON array.
core::Json compression_json(const std::vector<LayerCompression>& layers);

/// A fixed-width table, one line per layer ("-" for undefined values).
std::string format_compression_table(const std::vector<LayerCompression>& layers, double max_drop);

}  // namespace netprobe::probes
