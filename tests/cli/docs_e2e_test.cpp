// The documentation a user reads: every link of the README and docs/ resolves inside the
// repository (files and anchors), every column and key netprobe writes is in the glossary, and a
// report's "how to read it" links land on paragraphs of the pages it carries.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/atomic_file.h"
#include "core/json_io.h"
#include "tests/support/test_support.h"

namespace netprobe {
namespace {

namespace fs = std::filesystem;
using testing::run_netprobe;

std::vector<fs::path> documents() {
  std::vector<fs::path> out{testing::repo_root() / "README.md"};
  for (const auto& e : fs::directory_iterator(testing::repo_root() / "docs")) {
    if (e.path().extension() == ".md") out.push_back(e.path());
  }
  return out;
}

// The anchors a Markdown page offers: explicit <a id="..."> and GitHub's heading slugs.
std::set<std::string> anchors_of(const std::string& markdown) {
  std::set<std::string> out;
  static const std::regex id(R"re(<a id="([^"]+)">)re");
  for (std::sregex_iterator it(markdown.begin(), markdown.end(), id), end; it != end; ++it) out.insert((*it)[1]);
  static const std::regex heading(R"(^#+ (.*)$)", std::regex::multiline);
  for (std::sregex_iterator it(markdown.begin(), markdown.end(), heading), end; it != end; ++it) {
    std::string slug;
    for (const char c : (*it)[1].str()) {
      if (std::isalnum(static_cast<unsigned char>(c))) slug += static_cast<char>(std::tolower(c));
      if (c == ' ' || c == '-' || c == '_') slug += c == ' ' ? '-' : c;
    }
    out.insert(slug);
  }
  return out;
}

TEST(DocsE2E, EveryLinkOfTheReadmeAndDocsResolvesInsideTheRepository) {
  static const std::regex link(R"(\]\(([^)\s]+)\))");
  int checked = 0;
  for (const fs::path& doc : documents()) {
    const std::string text = core::read_file(doc);
    EXPECT_EQ(text.find("../shared"), std::string::npos) << doc << " refers outside the repository";
    for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
      const std::string target = (*it)[1];
      if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) continue;
      const size_t hash = target.find('#');
      const std::string file = target.substr(0, hash);
      const fs::path resolved = file.empty() ? doc : doc.parent_path() / file;
      ++checked;
      ASSERT_TRUE(fs::exists(resolved)) << doc.filename() << ": link " << target << " does not resolve";
      EXPECT_TRUE(
          fs::weakly_canonical(resolved).string().rfind(fs::weakly_canonical(testing::repo_root()).string(), 0) == 0)
          << doc.filename() << ": " << target << " leaves the repository";
      if (hash != std::string::npos && resolved.extension() == ".md") {
        const std::string anchor = target.substr(hash + 1);
        EXPECT_EQ(anchors_of(core::read_file(resolved)).count(anchor), 1u)
            << doc.filename() << ": no anchor #" << anchor << " in " << resolved.filename();
      }
    }
  }
  EXPECT_GE(checked, 15);  // the README and docs do link each other
}

void collect_keys(const core::Json& j, std::set<std::string>& keys) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      keys.insert(k);
      collect_keys(v, keys);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collect_keys(v, keys);
  }
}

std::set<std::string> csv_columns(const fs::path& file) {
  const std::string text = core::read_file(file);
  std::set<std::string> out;
  std::stringstream header(text.substr(0, text.find('\n')));
  for (std::string c; std::getline(header, c, ',');) out.insert(c);
  return out;
}

TEST(DocsE2E, EveryColumnAndKeyIsInTheGlossaryAndReportsLinkTheirParagraphs) {
  testing::TempDir tmp;
  const fs::path study = tmp / "study", compress = tmp / "compress";
  const auto s = run_netprobe("study --pairs 7-9 --seeds 1 --epochs 1 --draws 1 --layer-profile -q --threads 1 --out " +
                              study.string() + testing::real_data_arg());
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const fs::path model = study / "models" / "mnist-7v9";
  const fs::path run = fs::directory_iterator(model)->path();
  const auto c = run_netprobe("compress --model " + run.string() + " --draws 1 --plan -q --out " + compress.string() +
                              testing::real_data_arg());
  ASSERT_EQ(c.exit_code, 0) << c.err;

  std::set<std::string> names;
  for (const auto& col : csv_columns(study / "results.csv")) names.insert(col);
  for (const auto& col : csv_columns(compress / "results.csv")) names.insert(col);
  collect_keys(core::read_json(study / "scores.json"), names);
  collect_keys(core::read_json(compress / "compression.json"), names);
  const std::string glossary = core::read_file(testing::repo_root() / "docs" / "GLOSSARY.md");
  for (const auto& name : names) {
    EXPECT_NE(glossary.find("`" + name + "`"), std::string::npos) << "not in docs/GLOSSARY.md: " << name;
  }
  EXPECT_GE(names.size(), 60u);

  // Each report's links to the pages it carries resolve, anchors included.
  for (const fs::path& dir : {study, compress}) {
    const std::string index = core::read_file(dir / "index.html");
    int how_to_read = 0;
    for (const std::string& href : testing::links_of(index)) {
      if (href.rfind("docs/", 0) != 0) continue;
      const size_t hash = href.find('#');
      const fs::path page = dir / href.substr(0, hash);
      ASSERT_TRUE(fs::exists(page)) << href;
      if (hash == std::string::npos) continue;
      ++how_to_read;
      EXPECT_NE(core::read_file(page).find("id=\"" + href.substr(hash + 1) + "\""), std::string::npos) << href;
    }
    EXPECT_GE(how_to_read, 1) << dir;
    // The glossary's tables are HTML tables there, not pipes.
    EXPECT_NE(core::read_file(dir / "docs" / "GLOSSARY.html").find("<table>"), std::string::npos);
  }
}

}  // namespace
}  // namespace netprobe
