#include "report/plot.h"

#include <cstdlib>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/parallel.h"
#include "core/runtime.h"

namespace fs = std::filesystem;

namespace netprobe::report {
namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool non_empty_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && fs::file_size(p, ec) > 0;
}

}  // namespace

std::string gnuplot_command() {
  const char* env = std::getenv("NETPROBE_GNUPLOT");
  return env != nullptr && *env != '\0' ? env : "gnuplot";
}

std::string gp_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void remove_stale_figures(const fs::path& dir, const std::vector<Figure>& figures) {
  std::set<std::string> current;
  for (const auto& f : figures) current.insert(f.name);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    const std::string ext = p.extension().string();
    const bool figure_file = ext == ".dat" || ext == ".gp" || ext == ".svg" || ext == ".png";
    if (figure_file && entry.is_regular_file(ec) && current.count(p.stem().string()) == 0) fs::remove(p, ec);
  }
}

RenderResult render_figures(const fs::path& dir, const std::vector<Figure>& figures, const std::string& variables) {
  fs::create_directories(dir);
  remove_stale_figures(dir, figures);
  for (const auto& f : figures) {
    core::write_file_atomic(dir / (f.name + ".dat"), f.data);
    const std::string header = fmt::format(
        "# netprobe figure: {}\n"
        "# Data: {}.dat. Restyle freely, then: gnuplot {}.gp (SVG) or gnuplot -e \"fmt='png'\" {}.gp (PNG)\n"
        "if (!exists(\"fmt\")) fmt = 'svg'\n"
        "if (!exists(\"scale\")) scale = 3\n"
        "if (fmt eq 'png') {{\n"
        "  eval sprintf(\"set terminal pngcairo size %d,%d font 'Sans,12' fontscale %g linewidth %g\", "
        "{}*scale, {}*scale, scale, scale)\n"
        "  set output '{}.png'\n"
        "}} else {{\n"
        "  set terminal svg size {},{} dynamic font 'Sans,12' background '#ffffff'\n"
        "  set output '{}.svg'\n"
        "}}\n"
        "set datafile commentschars '#'\n"
        "set key noenhanced\n"
        "set title noenhanced\n",
        f.title, f.name, f.name, f.name, f.width, f.height, f.name, f.width, f.height, f.name);
    core::write_file_atomic(dir / (f.name + ".gp"), header + f.script + "\nunset output\n");
  }
  RenderResult result;
  const std::string gnuplot = gnuplot_command();
  result.gnuplot_available =
      std::system(fmt::format("{} --version >/dev/null 2>&1", shell_quote(gnuplot)).c_str()) == 0;
  if (!result.gnuplot_available) {
    spdlog::warn(
        "gnuplot not found ('{}'): figures not drawn; their data and scripts are in {}. "
        "Install it with: apt-get install gnuplot-nox",
        gnuplot, dir.string());
    return result;
  }
  // Each figure in each format is its own gnuplot process; most of its time is start-up, so the
  // processes run side by side on every core (the images do not depend on one another).
  std::vector<std::pair<size_t, const char*>> jobs;
  for (size_t i = 0; i < figures.size(); ++i) {
    for (const char* format : {"svg", "png"}) jobs.emplace_back(i, format);
  }
  std::vector<char> job_ok(jobs.size(), 0);
  core::parallel_for(jobs.size(), std::max(1, core::available_cores()), [&](size_t j, int) {
    const auto& [i, format] = jobs[j];
    const Figure& f = figures[i];
    const fs::path image = dir / (f.name + "." + format);
    std::error_code ec;
    fs::remove(image, ec);
    const std::string cmd =
        fmt::format("cd {} && {} -e {} {} >{} 2>&1", shell_quote(dir.string()), shell_quote(gnuplot),
                    shell_quote(fmt::format("fmt='{}'{}", format, variables.empty() ? "" : "; " + variables)),
                    shell_quote(f.name + ".gp"), shell_quote(f.name + "." + format + ".log"));
    job_ok[j] = std::system(cmd.c_str()) == 0 && non_empty_file(image);
  });
  for (size_t i = 0; i < figures.size(); ++i) {
    const Figure& f = figures[i];
    if (job_ok[2 * i] && job_ok[2 * i + 1]) {
      result.rendered.push_back(f.name);
      for (const char* format : {"svg", "png"}) {
        std::error_code ec;
        fs::remove(dir / (f.name + "." + format + ".log"), ec);
      }
    } else {
      spdlog::warn("gnuplot could not draw {} (see {}/{}.*.log)", f.name, dir.string(), f.name);
      result.failed.push_back(f.name);
    }
  }
  return result;
}

}  // namespace netprobe::report
