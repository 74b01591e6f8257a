#pragma once
/// index.html of a study: summary table, figures, configuration; readable offline (no scripts,
/// no network, inline CSS, relative links only).
#include <string>
#include <vector>

#include "report/figures.h"
#include "report/plot.h"

namespace netprobe::report {

/// Escapes &, <, >, " for HTML text and attributes.
std::string html_escape(const std::string& text);

/// <!doctype> up to <body>, with the report's inline style.
std::string page_start(const std::string& title);

/// "Figures": each figure's SVG (linked to its PNG) with caption, data and script links; a
/// figure not in `render.rendered` gets its data and script links only.
std::string figures_section(const std::vector<Figure>& figures, const RenderResult& render,
                            const std::string& figures_dir);

/// The page. Figures not in `render.rendered` are listed with their data and scripts only, so
/// the page never points at an image that does not exist. `figures_dir` is relative to the page.
std::string render_html(const StudyData& data, const std::vector<Figure>& figures, const RenderResult& render,
                        const std::string& figures_dir);

}  // namespace netprobe::report
