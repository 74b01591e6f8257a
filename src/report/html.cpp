#include "report/html.h"

#include "report/docs_pages.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <fmt/ranges.h>
#include "core/text.h"

#include "report/compression_report.h"

namespace netprobe::report {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1400px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; display: block; overflow-x: auto; max-width: 100%; } th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e3e3e3; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f4f4f4; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }  /* drawn size, never stretched */
figcaption { font-size: 0.9em; color: #444; } .warn { background: #fff4e0; padding: 0.7em; border-left: 4px solid #f0a020; }
pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: 0.85em; }
table.config td { text-align: left; max-width: 70em; }
p, li { max-width: 60em; line-height: 1.45; }  /* readable lines on a wide screen */
)";

std::string fixed(double v, int digits) { return std::isnan(v) ? "-" : fmt::format("{:.{}f}", v, digits); }

std::string fmt_spread(const probes::Spread& s) {
  if (s.n == 0) return "-";
  return fmt::format("{} <small>[{}, {}]</small>", fixed(s.median, 1), fixed(s.q1, 1), fixed(s.q3, 1));
}

std::string fmt_peak(const probes::Peak& p, const char* level_name) {
  if (!p.found) return "-";
  return fmt::format("{} @ {}={:.3g}", fixed(p.accuracy, 1), level_name, p.level);
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string page_start(const std::string& title) {
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>{}</title>\n<style>{}</style></head><body>\n",
      html_escape(title), kStyle);
}

std::string figures_section(const std::vector<Figure>& figures, const RenderResult& render,
                            const std::string& figures_dir) {
  std::string h = "<h2>Figures</h2>\n";
  if (!render.gnuplot_available) {
    h += "<p class=\"warn\">gnuplot was not found, so the figures were not drawn. Their data and gnuplot scripts are "
         "linked below; install gnuplot with <code>apt-get install gnuplot-nox</code> and run "
         "<code>netprobe report</code> again.</p>\n";
  }
  for (const auto& f : figures) {
    const std::string base = figures_dir + "/" + f.name;
    const bool drawn = std::find(render.rendered.begin(), render.rendered.end(), f.name) != render.rendered.end();
    h += "<figure>\n";
    if (drawn) {
      h += fmt::format("<a href=\"{0}.png\"><img src=\"{0}.svg\" alt=\"{1}\" width=\"{2}\"></a>\n", html_escape(base),
                       html_escape(f.title), f.width);
    }
    h += fmt::format(
        "<figcaption>{}{}{} &middot; <a href=\"{}.dat\">data</a> &middot; <a href=\"{}.gp\">gnuplot script</a>"
        "{}</figcaption>\n</figure>\n",
        html_escape(f.caption.empty() ? f.title : f.title + ". " + f.caption), drawn ? "" : " (not drawn)",
        f.reading.empty()
            ? ""
            : fmt::format(" &middot; <a href=\"{}\">how to read it</a>", html_escape(reading_link(f.reading))),
        html_escape(base), html_escape(base),
        drawn ? fmt::format(" &middot; <a href=\"{}.png\">PNG</a>", html_escape(base)) : "");
  }

  return h;
}

// A JSON value as plain text: strings unquoted, arrays joined by ", ".
std::string plain(const core::Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const auto& e : v) parts.push_back(plain(e));
    return fmt::format("{}", fmt::join(parts, ", "));
  }
  return v.is_null() ? "-" : v.dump();
}

std::string configuration_table(const StudyData& data) {
  const core::Json& s = data.study;
  const auto row = [](const std::string& key, const std::string& value) {
    return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(key), html_escape(value));
  };
  const auto field = [&](const core::Json& obj, const char* key) {
    return obj.contains(key) ? plain(obj.at(key)) : std::string("-");
  };
  std::string h = "<table class=\"config\">\n";
  h += row(fmt::format("tasks ({})", s.contains("tasks") ? s.at("tasks").size() : 0), field(s, "tasks"));
  h += row("seeds", field(s, "seeds"));
  h += row("probes", field(s, "probes"));
  h += row("draws per stochastic level", field(s, "draws"));
  h += row("layer profile", field(s, "layer_profile") +
                                (s.contains("max_drop") ? ", max drop " + field(s, "max_drop") + " points" : ""));
  if (s.contains("model")) {
    const core::Json& m = s.at("model");
    h += row("model",
             fmt::format("MLP hidden [{}], {}, bias {}", field(m, "hidden"), field(m, "activation"), field(m, "bias")));
    h += row("training", fmt::format("{} epochs, batch {}, {} lr {}, {} schedule", field(m, "epochs"),
                                     field(m, "batch"), field(m, "optimizer"), field(m, "lr"), field(m, "schedule")));
  }
  h += row("parallelism",
           fmt::format("{} models at a time, {} thread each", field(s, "workers"), field(s, "threads_per_model")));
  const auto& r = data.result;
  h += row("run", fmt::format("{:.1f} s; models trained {}, cached {}; sweeps run {}, cached {}", r.seconds,
                              r.models_trained, r.models_cached, r.sweeps_run, r.sweeps_cached));
  h += row("versions", fmt::format("netprobe {}, git {}, libtorch {}", data.versions.value("netprobe", "?"),
                                   data.versions.value("git", "?"), data.versions.value("libtorch", "?")));
  return h + "</table>\n<p><small>Everything, as written: <a href=\"study.json\">study.json</a>.</small></p>\n";
}

namespace {

// A layer profile's answer (probes/compression.h), one row per layer.
std::string layer_profile_table_html(const std::vector<probes::LayerCompression>& layers) {
  std::string h;
  h += "<table>\n<tr><th>layer</th><th>entries</th><th>prune p (magnitude)</th><th>realized sparsity</th>"
       "<th>prune p (random)</th><th>noise a</th><th>a / &sigma;<sub>w</sub></th><th>binarized %</th>"
       "<th>survives binarization</th><th>shuffled (B) %</th><th>&Delta;<sub>bin</sub></th>"
       "<th>&Delta;<sub>shuf</sub></th></tr>\n";
  for (const auto& c : layers) {
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(c.layer), c.entries, core::number_or_dash(c.max_prune_magnitude, "{:.3g}"),
        core::number_or_dash(c.sparsity_magnitude, "{:.3f}"), core::number_or_dash(c.max_prune_random, "{:.3g}"),
        core::number_or_dash(c.max_noise, "{:.3g}"), core::number_or_dash(c.max_noise_sigma, "{:.3g}"),
        core::number_or_dash(c.binarized_accuracy, "{:.2f}"),
        std::isnan(c.binarized_accuracy) ? "-" : (c.binarize_survives ? "yes" : "no"),
        core::number_or_dash(c.shuffled_accuracy, "{:.2f}"), core::number_or_dash(c.delta_bin, "{:.2f}"),
        core::number_or_dash(c.delta_shuf, "{:.2f}"));
  }
  return h + "</table>\n";
}

}  // namespace

std::string render_html(const StudyData& data, const std::vector<Figure>& figures, const RenderResult& render,
                        const std::string& figures_dir) {
  std::string h = page_start("netprobe study report");
  const auto& versions = data.versions;
  h += fmt::format(
      "<h1>netprobe study report</h1>\n<p>{} tasks, seeds {}, probes {}; netprobe {} (git {}), libtorch {}.</p>\n",
      data.result.scores.size(), html_escape(fmt::format("{}", fmt::join(data.seeds, ", "))),
      html_escape(fmt::format("{}", fmt::join(data.probes, ", "))), html_escape(versions.value("netprobe", "?")),
      html_escape(versions.value("git", "?")), html_escape(versions.value("libtorch", "?")));
  h += doc_links_html();

  h += "<h2>Summary</h2>\n<table>\n<tr><th>task</th><th>seeds</th><th>full %</th><th>binarized %</th>"
       "<th>shuffled (B) %</th><th>&Delta;<sub>bin</sub></th><th>&Delta;<sub>shuf</sub></th><th>norm. bin</th>"
       "<th>norm. shuf</th><th>prune&rarr;binarize peak</th><th>noise (signed) peak</th><th>flip (signed) "
       "peak</th></tr>\n";
  for (const auto& s : data.result.scores) {
    std::string noise = fmt_peak(s.noise_signed, "a");
    if (noise != "-" && s.sigma_w > 0)
      noise += fmt::format(" ({:.2g}&sigma;<sub>w</sub>)", s.noise_signed.level / s.sigma_w);
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(s.task), s.seeds, fmt_spread(s.full), fmt_spread(s.binarized), fmt_spread(s.shuffled),
        fixed(s.delta_bin, 1), fixed(s.delta_shuf, 1), fixed(s.norm_bin, 2), fixed(s.norm_shuf, 2),
        fmt_peak(s.prune_binarize, "p"), noise, fmt_peak(s.flip_signed, "q"));
  }
  h +=
      "</table>\n<p><small>Accuracies: median [inter-quartile range] over seeds. &Delta; = median flip50(full) &minus; "
      "median flip50(probed), in accuracy points; normalized by (median full &minus; chance).</small></p>\n";

  for (const auto& [task, layers] : data.result.compression) {
    h += fmt::format(
        "<h2>{}: how far each layer can be compressed</h2>\n<p>One layer at a time, the others intact; "
        "largest level up to which every level keeps the median accuracy within {} of the "
        "intact model.</p>\n",
        html_escape(task), probes::points_text(data.result.max_drop));
    h += layer_profile_table_html(layers);
  }
  h += figures_section(figures, render, figures_dir);

  h += "<h2>Configuration and run</h2>\n" + configuration_table(data);
  h += "<h2>Files</h2>\n<ul><li><a href=\"results.csv\">results.csv</a> (every evaluation, long format)</li>"
       "<li><a href=\"results.json\">results.json</a></li><li><a href=\"scores.json\">scores.json</a></li>"
       "<li><a href=\"summary.txt\">summary.txt</a></li><li><a href=\"study.json\">study.json</a></li></ul>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace netprobe::report
