#pragma once
/// index.html of a study: summary table, figures, configuration; readable offline (no scripts,
/// no network, inline CSS, relative links only).
#include <string>
#include <vector>

#include "src/report/figures.h"
#include "src/report/plot.h"

namespace netprobe::report {

/// Escapes &, <, >, " for HTML text and attributes.
std::string html_escape(const std::string& text);

/// The page. Figures not in `render.rendered` are listed with their data and scripts only, so
/// the page never points at an image that does not exist. `figures_dir` is relative to the page.
std::string render_html(const StudyData& data, const std::vector<Figure>& figures, const RenderResult& render,
                        const std::string& figures_dir);

}  // namespace netprobe::report
