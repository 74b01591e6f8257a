#include "report/compression_report.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/text.h"
#include "probes/compress_answer.h"
#include "probes/score.h"
#include "report/docs_pages.h"
#include "report/html.h"
#include "report/layer_curves.h"

namespace netprobe::report {
namespace {

std::string level_cell(const probes::ProbeAnswer* a) {
  if (a == nullptr) return "";
  std::string c = core::number_or_dash(a->safe_level, "{:.3g}");
  if (a->next_verdict == "uncertain") c += fmt::format(" <small>({:.3g}?)</small>", a->next_level);
  return c;
}

std::string verdict_cell(const probes::ProbeAnswer* a) {
  if (a == nullptr) return "";
  const std::string verdict = std::isnan(a->safe_level) ? a->next_verdict : "safe";
  return fmt::format("{} ({})", core::number_or_dash(a->only_value(), "{:.2f}"),
                     verdict == "safe"     ? "yes"
                     : verdict == "failed" ? "no"
                                           : "uncertain");
}

bool level_free(const std::string& probe) { return probe == "binarize" || probe == "shuffle"; }

}  // namespace

std::vector<Figure> compression_figures(const experiments::CompressResult& r) {
  std::vector<CurveScope> scopes;
  for (const auto& l : r.layers) scopes.push_back({l.layer, l.sigma_w});
  const std::string ylabel = r.metric == "loss" ? "test loss" : fmt::format("test {} (%)", r.metric);
  const bool higher = r.metric != "loss";
  const double floor = higher ? r.intact - r.max_drop : r.intact + r.max_drop;
  const std::string floor_label = fmt::format("intact {} {} (allowed drop)", higher ? "-" : "+", r.max_drop);
  std::vector<Figure> out;
  for (const auto& c : probes::compress_probes()) {
    if (level_free(c.name) || r.layers.empty() || r.layers.front().find(c.name) == nullptr) continue;
    const bool noise = c.probe->level.kind == probes::LevelKind::kAmplitude;
    // Named by the compression probe, not its underlying probe: random pruning is not magnitude's line.
    static const std::map<std::string, std::string> names = {{"magnitude", "Magnitude pruning (smallest |w| first)"},
                                                             {"random", "Random pruning"},
                                                             {"noise", "Uniform noise U(-a, a)"},
                                                             {"structured", "Structured pruning (rows by L1 norm)"},
                                                             {"structured-l2", "Structured pruning (rows by L2 norm)"},
                                                             {"global", "Global magnitude pruning"},
                                                             {"heads", "Attention-head pruning (heads by norm)"}};
    const auto named = names.find(c.name);
    const std::string title = fmt::format(
        "{}{}: {}", named == names.end() ? c.name : named->second,
        c.probe->build(c.variant).stochastic ? ", mean over draws" : "",
        c.whole_model_only ? "the whole model, one ranking over its layers" : "one layer at a time, the others intact");
    out.push_back(layer_curves_figure("compress_" + c.name, title,
                                      noise ? "a / σ(w) of the layer" : c.probe->level.axis_label, r.rows, scopes,
                                      {*c.probe, c.variant, noise}, r.intact, floor, ylabel, floor_label));
    out.back().reading = "compress-answers";
  }
  return out;
}

std::string compression_table_html(const experiments::CompressResult& r) {
  std::vector<std::string> probes;
  if (!r.layers.empty()) {
    for (const auto& p : r.layers.front().probes) probes.push_back(p.probe);
  }
  std::string h = "<table>\n<tr><th>layer</th><th>type</th><th>entries</th><th>&sigma;(w)</th>";
  for (const auto& p : probes) {
    h += level_free(p) ? fmt::format("<th>{} ({}, survives)</th>", p, r.metric) : fmt::format("<th>{} p</th>", p);
    if (p == "magnitude") h += "<th>realized sparsity</th>";
    if (p == "noise") h += "<th>noise a / &sigma;(w)</th>";
  }
  h += "</tr>\n";
  for (const auto& l : r.layers) {
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", html_escape(l.layer),
                     html_escape(l.module_type.empty() ? "-" : l.module_type), l.entries,
                     core::number_or_dash(l.sigma_w, "{:.3g}"));
    for (const auto& p : probes) {
      const probes::ProbeAnswer* a = l.find(p);
      h += fmt::format("<td>{}</td>", level_free(p) ? verdict_cell(a) : level_cell(a));
      if (p == "magnitude")
        h += fmt::format("<td>{}</td>", a == nullptr ? "" : core::number_or_dash(a->sparsity, "{:.3f}"));
      if (p == "noise") {
        h += fmt::format("<td>{}</td>", a == nullptr || !(l.sigma_w > 0)
                                            ? "-"
                                            : core::number_or_dash(a->safe_level / l.sigma_w, "{:.3g}"));
      }
    }
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

std::string compression_html(const experiments::CompressResult& r, const std::vector<Figure>& figures,
                             const RenderResult& render) {
  std::string h = page_start("netprobe compression report");
  h += fmt::format(
      "<h1>netprobe compression report</h1>\n<p>Model kind {}, test set {} ({} examples), {} classes, draws seeded "
      "from {}; probed: {}. Intact {} {:.2f}",
      html_escape(r.model_kind), html_escape(r.task), r.examples, r.classes, r.seed, html_escape(r.roles),
      html_escape(r.metric), r.intact);
  if (!std::isnan(r.intact_low)) h += fmt::format(" (95% interval {:.2f} to {:.2f})", r.intact_low, r.intact_high);
  h += fmt::format(
      ". A layer's answer is the largest level up to which every level's drop from the intact model stays within {} "
      "on its 95% interval; only that layer is perturbed. {} of {} evaluations were run (a sweep stops at its "
      "answer).</p>\n",
      r.metric == "loss" ? fmt::format("{}", r.max_drop) : probes::points_text(r.max_drop), r.evaluations,
      r.exhaustive_evaluations);
  if (const int64_t on_sample = r.sampled_evaluations(); on_sample > 0) {
    // Their values are a sample's, not the test set's: a reader must not take a dip there for the model's.
    h += fmt::format(
        "<p>{} of these evaluations were decided on a random sample of the test set, because the sample already "
        "settled the whole set's verdict (<a href=\"docs/USER_MODELS.html#looking-at-part-of-the-test-set\">"
        "looking at part of the test set</a>): their table values and curve points are that sample's, with its "
        "wider sampling error. <code>--exhaustive</code> draws every point on all {} examples.</p>\n",
        on_sample, r.examples);
  }
  h += doc_links_html();
  h += compression_table_html(r);
  h += "<p><small>(x?): the next level x is uncertain: its interval straddles the allowed drop, so more test "
       "examples could move the answer. Sparsity is the realized fraction of zeros at the safe level (masking zeros; a "
       "dense model file does not shrink).";
  if (r.classes == 2) {
    h += " For two classes, the task-complexity scores are &Delta;<sub>bin</sub> = flip50(intact) &minus; "
         "flip50(binarized) and &Delta;<sub>shuf</sub> likewise (<a href=\"docs/PROBES.html\">the probes</a>).";
  }
  h += "</small></p>\n";
  if (r.plan) {
    const auto& p = *r.plan;
    h += fmt::format(
        "<h2>Plan</h2>\n<p>Every layer at its safe magnitude pruning at once{}: {} {:.2f}, drop {:.3g} ({}); realized "
        "sparsity {:.3f}. <a href=\"pruned.pt\">pruned.pt</a> (TorchScript, masked) and <a href=\"masks.pt\">masks.pt"
        "</a> (torch.load: a dict of boolean masks, True = kept).</p>\n<table><tr><th>layer</th><th>p</th>"
        "<th>sparsity</th></tr>\n",
        p.backoff_steps > 0 ? fmt::format(", backed off {} grid step(s)", p.backoff_steps) : "", html_escape(r.metric),
        p.value, p.drop, p.verdict, p.sparsity);
    for (const auto& l : p.layers) {
      h += fmt::format("<tr><td>{}</td><td>{:.3g}</td><td>{:.3f}</td></tr>\n", html_escape(l.layer), l.p, l.sparsity);
    }
    h += "</table>\n";
  }
  h += "<p>In each figure, where a layer's curve leaves the dotted line (the allowed drop) is that layer's largest "
       "safe level on the point estimates; the answer itself uses the intervals. Noise levels are in units of each "
       "layer's weight standard deviation.</p>\n";
  h += figures_section(figures, render, "figures");
  h += "<h2>Files</h2>\n<ul><li><a href=\"results.csv\">results.csv</a> (every evaluation, long format)</li>"
       "<li><a href=\"compression.json\">compression.json</a></li><li><a href=\"meta.json\">meta.json</a></li></ul>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace netprobe::report
