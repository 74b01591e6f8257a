#include "report/docs_pages.h"

#include <cstdlib>
#include <memory>
#include <regex>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <fmt/format.h>

#include "core/atomic_file.h"
#include "report/html.h"

namespace netprobe::report {

std::string doc_page_html(const DocPage& page) {
  const std::string markdown = page.markdown;
  // Unsafe: the pages are ours and mark their paragraphs with <a id="..."> anchors.
  const int options = CMARK_OPT_UNSAFE | CMARK_OPT_SMART;
  cmark_gfm_core_extensions_ensure_registered();
  const std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(options),
                                                                           &cmark_parser_free);
  cmark_parser_attach_syntax_extension(parser.get(), cmark_find_syntax_extension("table"));
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  const std::unique_ptr<cmark_node, decltype(&cmark_node_free)> document(cmark_parser_finish(parser.get()),
                                                                         &cmark_node_free);
  const std::unique_ptr<char, decltype(&std::free)> body(
      cmark_render_html(document.get(), options, cmark_parser_get_syntax_extensions(parser.get())), &std::free);
  std::string html = body.get();
  for (const DocPage& other : doc_pages()) {
    const std::string name = other.name;
    html = std::regex_replace(html, std::regex("href=\"(?:docs/)?" + name + "\\.md"), "href=\"" + name + ".html");
  }
  std::smatch title;
  const std::string heading =
      std::regex_search(html, title, std::regex("<h1>([^<]*)</h1>")) ? title[1].str() : std::string(page.name);
  return page_start("netprobe: " + heading) + html + "</body></html>\n";
}

void write_doc_pages(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "docs");
  for (const DocPage& page : doc_pages()) {
    core::write_file_atomic(dir / "docs" / (std::string(page.name) + ".html"), doc_page_html(page));
  }
}

std::string reading_link(const std::string& anchor) { return "docs/READING_RESULTS.html#" + anchor; }

std::string doc_links_html() {
  return "<p class=\"doclinks\">What the numbers mean: <a href=\"docs/READING_RESULTS.html\">reading the results</a> "
         "&middot; <a href=\"docs/GLOSSARY.html\">glossary of every column and key</a> &middot; "
         "<a href=\"docs/PROBES.html\">the probes and the score</a> &middot; "
         "<a href=\"docs/USER_MODELS.html\">your own models</a></p>\n";
}

}  // namespace netprobe::report
