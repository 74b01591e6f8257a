#pragma once
/// The report of a `netprobe compress` directory: per-layer curves of each level-wise probe (noise
/// in units of each layer's weight std) with the intact value and the allowed-drop line, and
/// index.html with the answer table and the plan.
#include <filesystem>
#include <vector>

#include "experiments/compress.h"
#include "report/plot.h"

namespace netprobe::report {

/// One figure per level-wise probe that was run, one curve per scope ("all" dashed black).
std::vector<Figure> compression_figures(const experiments::CompressResult& result);

/// The answers as an HTML table, one row per layer ("-" for undefined values).
std::string compression_table_html(const experiments::CompressResult& result);

/// The page: answer table, plan, figures, files.
std::string compression_html(const experiments::CompressResult& result, const std::vector<Figure>& figures,
                             const RenderResult& render);

}  // namespace netprobe::report
