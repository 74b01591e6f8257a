#pragma once
/// The documentation pages every report carries (docs/*.md, embedded at build time by
/// cmake/embed_docs.cmake), written as HTML beside the report so its links work offline.
///
///   write_doc_pages(out_dir);                      // out_dir/docs/GLOSSARY.html, ...
///   reading_link("magnitude-below-random");        // "docs/READING_RESULTS.html#magnitude-below-random"
#include <filesystem>
#include <string>
#include <vector>

namespace netprobe::report {

struct DocPage {
  const char* name;      ///< "PROBES": docs/PROBES.md
  const char* markdown;  ///< its text
};

/// Every embedded page, in a fixed order.
const std::vector<DocPage>& doc_pages();

/// A page as HTML (CommonMark; links to another embedded page's .md point at its .html).
std::string doc_page_html(const DocPage& page);

/// Writes DIR/docs/NAME.html for every embedded page.
void write_doc_pages(const std::filesystem::path& dir);

/// The link, relative to a report's index.html, of a paragraph of READING_RESULTS.md.
std::string reading_link(const std::string& anchor);

/// One line of links for the top of a report: reading the results, the glossary, the probes.
std::string doc_links_html();

}  // namespace netprobe::report
