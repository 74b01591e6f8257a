#pragma once
/// The report of a `netprobe compress` directory: per-layer curves (pruning, random pruning,
/// noise in units of each layer's weight std) with the intact accuracy and the --max-drop line,
/// and index.html with the per-layer answer table.
#include <filesystem>
#include <vector>

#include "experiments/compress.h"
#include "report/plot.h"

namespace netprobe::report {

/// One figure per probe, one curve per scope ("all" dashed black).
std::vector<Figure> compression_figures(const experiments::CompressResult& result);

/// The answer as an HTML table, one row per layer ("-" for undefined values).
std::string compression_table_html(const std::vector<probes::LayerCompression>& layers);

/// The page: answer table, figures, files.
std::string compression_html(const experiments::CompressResult& result, const std::vector<Figure>& figures,
                             const RenderResult& render);

}  // namespace netprobe::report
