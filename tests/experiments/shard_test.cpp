// Shards of a study on a small generated dataset: ownership, the SLURM environment, and a merge
// that gives the unsharded study's bytes or names what is missing.
#include "experiments/shard.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "experiments/study.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;

// What the tests run a study with: two models at once, the datasets written next to --out.
core::RunContext shard_context_for(const StudyConfig& c) {
  core::RunContext context;
  context.threads = 2;
  context.data_dir = c.out.parent_path() / "data";
  return context;
}

StudyConfig shard_study_config(const testing::TempDir& tmp, const std::string& out) {
  testing::write_fake_dataset(tmp / "data" / "mnist", 120, 40, false);
  StudyConfig c;
  c.tasks.pairs = {"mnist-1v2", "mnist-3v4", "mnist-0v5"};
  c.seeds = 2;
  c.probes = {"binarize", "shuffle", "prune"};
  c.model.hidden = {8};
  c.model.epochs = 2;
  c.model.batch = 16;
  c.draws = 2;
  c.out = tmp / out;
  return c;
}

std::function<const char*(const char*)> fake_env(std::map<std::string, std::string> values) {
  auto env = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [env](const char* name) -> const char* {
    const auto it = env->find(name);
    return it == env->end() ? nullptr : it->second.c_str();
  };
}

std::set<std::string> files_below(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) files.insert(fs::relative(e.path(), dir).string());
  return files;
}

TEST(StudyShardTest, ParsesKOfNAndRefusesAnythingElseNamingTheValue) {
  const Shard s = parse_shard("3/64");
  EXPECT_EQ(s.index, 3);
  EXPECT_EQ(s.count, 64);
  EXPECT_EQ(s.label(), "3/64");
  EXPECT_EQ(parse_shard("0/1").label(), "0/1");
  for (const char* bad : {"", "3", "64/64", "-1/4", "a/4", "3/0", "3/4/5", "3/", "/4", " 3/4", "99999999999/4"}) {
    const std::string message = testing::error_of([&] { parse_shard(bad); });
    EXPECT_NE(message.find("--shard"), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find(fmt::format("'{}'", bad)), std::string::npos) << message;
    EXPECT_THROW(parse_shard(bad), core::UsageError);
  }
}

TEST(StudyShardTest, EveryModelHasExactlyOneOwnerAndShardSizesDifferByAtMostOne) {
  for (int n : {1, 2, 3, 4, 7, 64, 500}) {
    std::vector<int> owners(450, 0), sizes(static_cast<size_t>(n), 0);
    for (int k = 0; k < n; ++k) {
      for (size_t m = 0; m < owners.size(); ++m) {
        if (Shard{k, n}.owns(m)) {
          ++owners[m];
          ++sizes[static_cast<size_t>(k)];
        }
      }
    }
    for (int o : owners) EXPECT_EQ(o, 1) << n;
    const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
    EXPECT_LE(*hi - *lo, 1) << n;
    EXPECT_EQ(*hi, (450 + n - 1) / n) << n;
  }
}

TEST(StudyShardTest, TheShardOfASlurmArrayTask) {
  EXPECT_FALSE(shard_from_environment(fake_env({}), std::nullopt));
  EXPECT_FALSE(shard_from_environment(fake_env({{"SLURM_JOB_ID", "7"}}), 4));  // a job, not an array task
  const auto full = fake_env({{"SLURM_ARRAY_TASK_ID", "3"},
                              {"SLURM_ARRAY_TASK_COUNT", "4"},
                              {"SLURM_ARRAY_TASK_MIN", "0"},
                              {"SLURM_ARRAY_TASK_MAX", "3"}});
  EXPECT_EQ(shard_from_environment(full, std::nullopt)->label(), "3/4");
  // Re-running index 3 of 64 alone: the array says 1 task, numbered 3..3; --shard-count knows 64.
  const auto rerun = fake_env({{"SLURM_ARRAY_TASK_ID", "3"},
                               {"SLURM_ARRAY_TASK_COUNT", "1"},
                               {"SLURM_ARRAY_TASK_MIN", "3"},
                               {"SLURM_ARRAY_TASK_MAX", "3"}});
  EXPECT_EQ(shard_from_environment(rerun, 64)->label(), "3/64");
  const std::string message = testing::error_of([&] { shard_from_environment(rerun, std::nullopt); });
  EXPECT_NE(message.find("--shard-count"), std::string::npos) << message;
  EXPECT_THROW(shard_from_environment(rerun, std::nullopt), core::UsageError);
  EXPECT_THROW(shard_from_environment(full, 3), core::UsageError);  // index 3 of 3 shards
  const std::string garbled = testing::error_of([&] {
    shard_from_environment(fake_env({{"SLURM_ARRAY_TASK_ID", "3x"}}), 4);
  });
  EXPECT_NE(garbled.find("SLURM_ARRAY_TASK_ID: not a whole number: '3x'"), std::string::npos) << garbled;
}

TEST(StudyShardTest, ShardsThenAMergeGiveTheUnshardedStudysBytes) {
  testing::TempDir tmp;
  StudyConfig whole = shard_study_config(tmp, "whole");
  run_study(whole, shard_context_for(whole));

  StudyConfig sharded = shard_study_config(tmp, "sharded");
  std::set<std::string> seen;
  for (int k = 0; k < 4; ++k) {  // 6 models over 4 shards: 2, 2, 1, 1
    sharded.shard = fmt::format("{}/4", k);
    const StudyResult r = run_study(sharded, shard_context_for(sharded));
    EXPECT_EQ(r.shard, sharded.shard);
    EXPECT_EQ(r.models_total, 6u);
    EXPECT_EQ(r.models.size(), k < 2 ? 2u : 1u);
    EXPECT_EQ(r.models_trained, static_cast<int>(r.models.size()));
    EXPECT_TRUE(r.scores.empty());  // a shard holds only some seeds of a task
    for (const auto& m : r.models) EXPECT_TRUE(seen.insert(m.dir.string()).second) << m.dir;
    EXPECT_TRUE(fs::exists(shard_record_path(sharded.out, parse_shard(sharded.shard))));
    EXPECT_FALSE(fs::exists(sharded.out / "results.csv"));  // outputs come with the merge
    EXPECT_NE(format_summary(r).find(fmt::format("shard {}/4: {} of 6 models", k, r.models.size())), std::string::npos);
  }
  EXPECT_EQ(seen.size(), 6u);

  sharded.shard.clear();
  sharded.merge = true;
  const StudyResult merged = run_study(sharded, shard_context_for(sharded));
  EXPECT_EQ(merged.models_trained, 0);
  EXPECT_EQ(merged.sweeps_run, 0);
  EXPECT_EQ(merged.scores.size(), 3u);
  for (const char* f : {"results.csv", "scores.json", "results.json", "summary.txt"}) {
    if (std::string(f) == "summary.txt") continue;  // it holds the run's seconds and cache counts
    EXPECT_EQ(core::read_file(sharded.out / f), core::read_file(whole.out / f)) << f;
  }
}

TEST(StudyShardTest, AMergeWithModelsMissingNamesThemAndTheirShardsAndWritesNothing) {
  testing::TempDir tmp;
  StudyConfig config = shard_study_config(tmp, "run");
  config.merge = true;
  // Nothing there yet: not a study directory.
  EXPECT_THROW(run_study(config, shard_context_for(config)), core::UsageError);
  EXPECT_FALSE(fs::exists(config.out));

  config.merge = false;
  for (int k : {0, 2}) {  // shards 1 and 3 of 4 never ran: models 1, 5 and 3
    config.shard = fmt::format("{}/4", k);
    run_study(config, shard_context_for(config));
  }
  const fs::path sweeps = config.out / "sweeps";
  config.shard.clear();
  config.merge = true;
  const auto before = files_below(config.out);
  const std::string message = testing::error_of([&] { run_study(config, shard_context_for(config)); });
  EXPECT_NE(message.find("--merge: models not finished: 3 of 6: mnist-1v2 seed 1 (not trained), "
                         "mnist-3v4 seed 1 (not trained), mnist-0v5 seed 1 (not trained); "
                         "shards to run (again): 1/4 3/4"),
            std::string::npos)
      << message;
  EXPECT_THROW(run_study(config, shard_context_for(config)), core::Error);
  EXPECT_EQ(files_below(config.out), before);

  // A model trained but not probed (a shard killed between the two) is named as such.
  config.merge = false;
  config.shard = "1/4";
  run_study(config, shard_context_for(config));
  for (const auto& e : fs::directory_iterator(sweeps)) {
    if (e.path().filename().string().rfind("mnist-1v2-seed1-", 0) == 0) fs::remove(e.path());
  }
  config.shard.clear();
  config.merge = true;
  const std::string second = testing::error_of([&] { run_study(config, shard_context_for(config)); });
  EXPECT_NE(second.find("models not finished: 2 of 6: mnist-1v2 seed 1 (not probed), mnist-3v4 seed 1 "
                        "(not trained); shards to run (again): 1/4 3/4"),
            std::string::npos)
      << second;
}

TEST(StudyShardTest, ShardsShareTheDirectoryButNotAModelAndAWholeStudyExcludesThem) {
  testing::TempDir tmp;
  StudyConfig config = shard_study_config(tmp, "run");
  config.tasks.pairs = {"mnist-1v2"};
  config.seeds = 1;
  config.shard = "0/2";
  fs::create_directories(config.out);
  {
    // Another shard of the same study is running: shards go on side by side.
    const core::DirectoryLock other_shard(config.out, core::LockMode::kShared);
    EXPECT_EQ(run_study(config, shard_context_for(config)).models_trained, 1);
    // ... but a whole study or a merge does not start beside it.
    StudyConfig merge = config;
    merge.shard.clear();
    merge.merge = true;
    EXPECT_NE(testing::error_of([&] { run_study(merge, shard_context_for(merge)); }).find("another netprobe process"),
              std::string::npos);
  }
  // The same shard running twice: the second stops at the model the first is working on.
  config.seeds = 2;
  config.shard = "1/2";
  fs::path lock_file;
  run_study(config, shard_context_for(config));  // makes the locks directory
  for (const auto& e : fs::directory_iterator(config.out / "locks")) {
    if (e.path().filename().string().rfind("mnist-1v2-seed1-", 0) == 0) lock_file = e.path();
  }
  ASSERT_FALSE(lock_file.empty());
  const core::FileLock first(lock_file, core::LockMode::kExclusive, "x", "y");
  const std::string message = testing::error_of([&] { run_study(config, shard_context_for(config)); });
  EXPECT_NE(message.find("seed1-"), std::string::npos) << message;
  EXPECT_NE(message.find("the same shard running twice?"), std::string::npos) << message;

  StudyConfig both = config;
  both.merge = true;
  EXPECT_THROW(run_study(both, shard_context_for(both)), core::UsageError);  // --shard with --merge
}

}  // namespace
}  // namespace netprobe::experiments
