#pragma once
/// The per-layer figure of a compression answer, shared by `compress` and a study's layer
/// profile: one curve per scope (median over seeds of each seed's mean over draws), the whole
/// model ("all") dashed black, the intact accuracy (solid black) and the --max-drop floor
/// (dotted). Where a layer's curve leaves the dotted line is its largest safe level.
#include <string>
#include <vector>

#include "probes/compression.h"
#include "report/plot.h"

namespace netprobe::report {

struct LayerCurves {
  probes::ProbeId probe;
  std::string variant;
  bool per_sigma = false;  ///< x = level / the layer's sigma_w (noise), on a log axis
};

/// A curve's scope: "all" or a layer, with its weights' std (the unit of noise levels).
struct CurveScope {
  std::string name;
  double sigma_w = 0;
};

/// The layers of a study's layer profile as curve scopes.
std::vector<CurveScope> curve_scopes(const std::vector<probes::LayerCompression>& layers);

/// One curve per scope; `intact` the unperturbed model's value, `floor` (intact minus the allowed
/// drop) the dotted line; `ylabel` the metric's name.
Figure layer_curves_figure(const std::string& name, const std::string& title, const std::string& xlabel,
                           const std::vector<probes::SweepRow>& rows, const std::vector<CurveScope>& scopes,
                           const LayerCurves& curves, double intact, double floor, const std::string& ylabel,
                           const std::string& floor_label);

}  // namespace netprobe::report
