#pragma once
/// Figures drawn by gnuplot from scripts written next to their data, so a user can restyle any
/// figure and re-run `gnuplot NAME.gp` (SVG) or `gnuplot -e "fmt='png'" NAME.gp` (PNG).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace netprobe::report {

struct Figure {
  std::string name;         ///< file stem: NAME.gp, NAME.dat, NAME.svg, NAME.png
  std::string title;        ///< caption in the report
  std::string data = "";    ///< content of NAME.dat (gnuplot blocks separated by two blank lines)
  std::string script = "";  ///< gnuplot commands after terminal and output are set
  int width = 900, height = 420;
  std::string caption = "";  ///< what to look at, under the figure in the report (the title when empty)
  std::string reading = "";  ///< the paragraph of docs/READING_RESULTS.md that explains it (its anchor)
};

struct RenderResult {
  bool gnuplot_available = false;
  std::vector<std::string> rendered;  ///< names whose SVG and PNG were produced
  std::vector<std::string> failed;    ///< names gnuplot could not draw (message logged)
};

/// The gnuplot binary: $NETPROBE_GNUPLOT if set, else "gnuplot".
std::string gnuplot_command();

/// Removes from `dir` the figure files (.dat, .gp, .svg, .png) of figures not in `figures`: what
/// an earlier run with more probes or tasks drew would otherwise stay beside the new report.
void remove_stale_figures(const std::filesystem::path& dir, const std::vector<Figure>& figures);

/// Writes NAME.dat and NAME.gp for every figure into `dir` (after remove_stale_figures), then
/// runs gnuplot for SVG and PNG.
/// Without gnuplot the data and scripts are still written and one warning says how to install it.
/// `variables` are gnuplot assignments passed with -e when drawing ("logp=1"), never written
/// into the scripts.
RenderResult render_figures(const std::filesystem::path& dir, const std::vector<Figure>& figures,
                            const std::string& variables = "");

/// Quotes a string for a gnuplot script ('...' with ' doubled).
std::string gp_quote(const std::string& text);

}  // namespace netprobe::report
