// The report of `netprobe compress` on a TorchScript model: the answer table and the per-layer curves.
#include "report/report.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "experiments/compress.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::report {
namespace {

namespace fs = std::filesystem;

TEST(CompressionReportTest, APageWithTheAnswerTableAndOneCurvePerLayer) {
  testing::TempDir tmp;
  testing::tiny_cnn(2, 4).save((tmp / "cnn.pt").string());
  const auto [x, y] = testing::tiny_images(40, 5);
  testing::save_test_set(tmp / "test.pt", x, y);
  experiments::CompressConfig c;
  c.source.model = tmp / "cnn.pt";
  c.source.data = (tmp / "test.pt").string();
  c.draws = 1;
  c.out = tmp / "out";
  experiments::run_compress(c, {});
  const ReportSummary s = write_report(tmp / "out");
  EXPECT_EQ(s.figures, 3);  // magnitude pruning, random pruning, noise
  EXPECT_EQ(s.render.rendered.size(), 3u);
  const std::string html = core::read_file(s.index);
  for (const char* layer : {"<td>all</td>", "<td>conv</td>", "<td>fc</td>"}) {
    EXPECT_NE(html.find(layer), std::string::npos) << layer;
  }
  EXPECT_NE(html.find("stays within 1 point on its 95% interval"), std::string::npos) << html;
  EXPECT_EQ(testing::broken_links(html, tmp / "out"), std::vector<std::string>{});
  // one curve per scope plus the intact line and the floor
  const std::string data = core::read_file(tmp / "out" / "figures" / "compress_magnitude.dat");
  for (const char* block : {"# all (whole model)", "# conv", "# fc", "# intact\n", "# intact - 1 (allowed drop)"}) {
    EXPECT_NE(data.find(block), std::string::npos) << block;
  }
}

}  // namespace
}  // namespace netprobe::report
