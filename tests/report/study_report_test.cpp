// The report of a small study on generated data: figures, validity, links, and no gnuplot. The
// suite runs a study first (label e2e).
#include "report/report.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "experiments/study.h"
#include "report/html.h"
#include "tests/support/test_support.h"

namespace netprobe::report {
namespace {

namespace fs = std::filesystem;

class StudyReportE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    testing::write_fake_dataset(*tmp_ / "data" / "mnist", 100, 40, false);
    experiments::StudyConfig c;
    c.tasks.pairs = {"mnist-1v2", "mnist-3v4"};
    c.seeds = 2;
    c.model.hidden = {8};
    c.model.epochs = 2;
    c.model.batch = 20;
    c.draws = 1;
    c.layer_profile = true;
    c.out = *tmp_ / "results";
    core::RunContext context;
    context.threads = 2;
    context.data_dir = *tmp_ / "data";
    experiments::run_study(c, context);
  }
  static void TearDownTestSuite() { delete tmp_; }
  static fs::path results() { return *tmp_ / "results"; }
  static testing::TempDir* tmp_;
};
testing::TempDir* StudyReportE2E::tmp_ = nullptr;

TEST_F(StudyReportE2E, DrawsEveryFigureAsValidSvgAndPngAndLinksOnlyExistingFiles) {
  const ReportSummary s = write_report(results());
  ASSERT_TRUE(s.render.gnuplot_available) << "gnuplot is installed by the set-up";
  // pruning, noise, flip (one dataset), prune-then-binarize, randomizations, scores, Δ_bin
  // against Δ_shuf, binarized accuracy per seed, layer profile, per-layer pruning and noise of
  // each of the 2 tasks, training; no heatmap (not all 45 pairs).
  EXPECT_EQ(s.figures, 14);
  EXPECT_EQ(s.render.rendered.size(), 14u);
  EXPECT_TRUE(fs::exists(results() / "figures" / "layer_pruning_mnist-1v2.svg"));
  EXPECT_TRUE(s.render.failed.empty());
  for (const auto& name : s.render.rendered) {
    const std::string svg = core::read_file(results() / "figures" / (name + ".svg"));
    EXPECT_NE(svg.find("<svg"), std::string::npos) << name;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << name;
    const std::string png = core::read_file(results() / "figures" / (name + ".png"));
    ASSERT_GE(png.size(), 8u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
    EXPECT_TRUE(fs::exists(results() / "figures" / (name + ".gp")));
    EXPECT_TRUE(fs::exists(results() / "figures" / (name + ".dat")));
  }
  const std::string html = core::read_file(s.index);
  EXPECT_NE(html.find("mnist-1v2"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // nothing external
  const auto links = testing::links_of(html);
  EXPECT_GE(links.size(), 8u * 4);
  EXPECT_EQ(testing::broken_links(html, results()), std::vector<std::string>{});
  EXPECT_NE(std::find(links.begin(), links.end(), "figures/layer_profile.svg"), links.end());
}

TEST_F(StudyReportE2E, FiguresOfAnEarlierRunAreRemovedAndTheConfigurationIsATable) {
  testing::TempDir copy;
  fs::copy(results(), copy / "r", fs::copy_options::recursive);
  const fs::path figures = copy / "r" / "figures";
  for (const char* stale : {"flip_fashion-mnist.svg", "flip_fashion-mnist.png", "flip_fashion-mnist.gp"}) {
    core::write_file_atomic(figures / stale, "from an earlier study");
  }
  core::write_file_atomic(figures / "notes.txt", "mine");
  const ReportSummary s = write_report(copy / "r", {.log_pruning_axis = true});
  EXPECT_FALSE(fs::exists(figures / "flip_fashion-mnist.svg"));
  EXPECT_FALSE(fs::exists(figures / "flip_fashion-mnist.gp"));
  EXPECT_TRUE(fs::exists(figures / "notes.txt"));  // not a figure file: left alone
  EXPECT_EQ(s.render.rendered.size(), 14u);
  // Every task and the model are rows of a table, not raw JSON.
  const std::string html = core::read_file(s.index);
  EXPECT_NE(html.find("<tr><th>tasks (2)</th><td>mnist-1v2, mnist-3v4</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("MLP hidden [8], relu"), std::string::npos);
  EXPECT_EQ(html.find("<pre>"), std::string::npos);
  // The pruning scripts take the log axis as a variable (default on; --linear-p turns it off).
  EXPECT_NE(core::read_file(figures / "pruning_mnist.gp").find("if (!exists(\"logp\")) logp = 1"), std::string::npos);
}

TEST_F(StudyReportE2E, WithoutGnuplotWritesDataScriptsAndACompletePageWithoutImages) {
  testing::TempDir copy;
  fs::copy(results(), copy / "r", fs::copy_options::recursive);
  fs::remove_all(copy / "r" / "figures");
  ::setenv("NETPROBE_GNUPLOT", "/nonexistent/gnuplot", 1);
  const ReportSummary s = write_report(copy / "r");
  ::unsetenv("NETPROBE_GNUPLOT");
  EXPECT_FALSE(s.render.gnuplot_available);
  EXPECT_TRUE(s.render.rendered.empty());
  const std::string html = core::read_file(s.index);
  EXPECT_NE(html.find("apt-get install gnuplot-nox"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(testing::broken_links(html, copy / "r"), std::vector<std::string>{});
  EXPECT_TRUE(fs::exists(copy / "r" / "figures" / "scores.gp"));
}

TEST_F(StudyReportE2E, NotAResultsDirectoryIsAnError) {
  testing::TempDir empty;
  EXPECT_THROW(write_report(empty.path()), core::Error);
  EXPECT_THROW(write_report(empty / "missing"), core::Error);
  EXPECT_EQ(html_escape("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
}

// Opens the report in headless Chromium when it is installed (Debian package chromium).
class ReportBrowserE2E : public StudyReportE2E {};

TEST_F(ReportBrowserE2E, ChromiumRendersThePageWithItsTableAndFigures) {
  if (!fs::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  const ReportSummary s = write_report(results());
  testing::TempDir profile;
  const fs::path shot = profile / "shot.png", dom = profile / "dom.html";
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" +
      (profile / "user").string();
  const std::string url = "file://" + fs::absolute(s.index).string();
  ASSERT_EQ(std::system(("timeout 90 chromium " + flags + " --window-size=1200,1600 --screenshot=" + shot.string() +
                         " " + url + " >/dev/null 2>&1")
                            .c_str()),
            0);
  ASSERT_EQ(std::system(
                ("timeout 90 chromium " + flags + " --dump-dom " + url + " >" + dom.string() + " 2>/dev/null").c_str()),
            0);
  const std::string png = core::read_file(shot);
  EXPECT_EQ(png.substr(0, 4), std::string("\x89PNG", 4));
  EXPECT_GT(png.size(), 20000u);  // a rendered page with figures, not a blank one
  const std::string html = core::read_file(dom);
  EXPECT_NE(html.find("netprobe study report"), std::string::npos);
  EXPECT_NE(html.find("mnist-3v4"), std::string::npos);
  size_t images = 0;
  for (size_t p = html.find("<img"); p != std::string::npos; p = html.find("<img", p + 1)) ++images;
  EXPECT_EQ(images, s.render.rendered.size());
}

}  // namespace
}  // namespace netprobe::report
