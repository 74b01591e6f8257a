// `netprobe probe` as an experiment: exact row counts, the table, and usage errors before work.
#include "experiments/probe.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "experiments/classifier_run.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;

class ClassifierProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_fake_dataset(tmp_ / "data" / "mnist", 60, 30, false);
    ClassifierRunConfig c;
    c.task = {"mnist", {1, 2}};
    c.hidden = {8};
    c.epochs = 1;
    c.batch = 16;
    train_classifier_run(c, data::load_task(c.task, tmp_ / "data"), tmp_ / "model", 1, false);
    config_.source.model = tmp_ / "model";
    context_.data_dir = tmp_ / "data";
  }
  testing::TempDir tmp_;
  ProbeConfig config_;
  core::RunContext context_;
};

TEST_F(ClassifierProbeTest, RowsPerLevelDrawAndModeAndATableLinePerLevel) {
  config_.probe = "prune";
  config_.variant = "random";
  config_.levels = {0.25, 0.5};
  config_.draws = 3;
  config_.with_signed = true;
  config_.out = tmp_ / "rows.csv";
  const auto result = run_probe(config_, context_);
  const auto& rows = result.rows;
  EXPECT_EQ(rows.size(), 1u + 2 * 3 * 2);  // baseline + levels x draws x modes
  EXPECT_TRUE(rows.front().probe.is_intact());
  const std::string csv = core::read_file(tmp_ / "rows.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 13);
  const std::string table = format_probe_table(result);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3 + 2);  // baseline, probe line, header, 2 levels
  EXPECT_NE(table.find("probe prune, variant random, scope all\n"), std::string::npos) << table;
  EXPECT_NE(table.find("     3\n"), std::string::npos) << table;  // 3 draws per level
}

TEST_F(ClassifierProbeTest, BadOptionsAreUsageErrorsAndWriteNothing) {
  config_.out = tmp_ / "never.csv";
  for (const auto& change : std::vector<std::function<void(ProbeConfig&)>>{
           [](auto& c) { c.probe = "dropout"; }, [](auto& c) { c.probe = "flip", c.variant = "middle"; },
           [](auto& c) { c.probe = "prune", c.levels = {1.5}; }, [](auto& c) { c.probe = "prune", c.draws = 0; },
           [](auto& c) { c.probe = "prune", c.scope = "fc9"; }}) {
    ProbeConfig c = config_;
    change(c);
    EXPECT_THROW(run_probe(c, context_), core::UsageError);
  }
  EXPECT_FALSE(fs::exists(tmp_ / "never.csv"));
}

}  // namespace
}  // namespace netprobe::experiments
