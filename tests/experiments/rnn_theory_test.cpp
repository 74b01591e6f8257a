// `rnn theory` as an experiment: the linear theory matches full-N GD to round-off, and the
// result directory reads back.
#include "src/experiments/rnn_theory.h"

#include <gtest/gtest.h>

#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/core/json_io.h"
#include "src/core/run_dir.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

TheoryConfig small_theory(const std::filesystem::path& out) {
  TheoryConfig c;
  c.base.steps = 80;
  c.base.dt = 0.1;
  c.base.epochs = 30;
  c.base.track_every = 10;
  c.sizes = {80, 160};
  c.out = out;
  return c;
}

TEST(RnnTheory, LinearPredictionMatchesSimulationAndTheResultReadsBack) {
  testing::TempDir tmp;
  const TheoryResult r = run_rnn_theory(small_theory(tmp / "theory"));
  ASSERT_EQ(r.comparisons.size(), 2u);
  for (const auto& c : r.comparisons) {
    EXPECT_LT(c.max_overlap_error, 1e-10) << c.n;
    EXPECT_LT(c.max_loss_error, 1e-10) << c.n;
    EXPECT_EQ(c.epochs, (std::vector<int>{10, 20, 30}));
  }
  const std::string csv = core::read_file(tmp / "theory" / "theory.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 3);
  const core::Json written = core::read_json(tmp / "theory" / "result.json");
  EXPECT_EQ(TheoryResult::from_json(written, "result.json").to_json().dump(), written.dump());
  EXPECT_EQ(core::run_kind(tmp / "theory"), core::kind::kRnnTheory);
}

TEST(RnnTheory, AdamNoSizesAndAUsersFolderAreRefusedBeforeAnyWork) {
  testing::TempDir tmp;
  TheoryConfig c = small_theory(tmp / "t");
  c.base.optimizer = train::OptimizerKind::kAdam;
  EXPECT_THROW(run_rnn_theory(c), core::UsageError);
  c = small_theory(tmp / "t");
  c.sizes.clear();
  EXPECT_THROW(run_rnn_theory(c), core::UsageError);
  c = small_theory(tmp / "t");
  c.sizes = {80, 0};
  EXPECT_THROW(run_rnn_theory(c), core::UsageError);
  std::filesystem::create_directories(tmp / "notes");
  core::write_file_atomic(tmp / "notes" / "a.txt", "mine");
  c = small_theory(tmp / "notes");
  int sizes_done = 0;
  EXPECT_THROW(run_rnn_theory(c, [&](const TheoryComparison&) { ++sizes_done; }), core::UsageError);
  EXPECT_EQ(sizes_done, 0);
  EXPECT_FALSE(std::filesystem::exists(tmp / "t"));
}

}  // namespace
}  // namespace netprobe::experiments
