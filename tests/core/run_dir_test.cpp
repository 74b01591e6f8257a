// Run directories: the --out guard, staging, meta.json, stale-stage cleanup and the lock.
#include "core/run_dir.h"

#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/version.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

namespace fs = std::filesystem;
using testing::entries_in;
using testing::TempDir;

// A committed run of `kind` holding one file.
void make_run(const fs::path& dir, const std::string& kind, const std::string& file) {
  StagedDirectory staged(dir, kind);
  write_file_atomic(staged.staging() / file, "x");
  write_meta(staged.staging(), kind, {{"n", 1}});
  staged.commit();
}

TEST(RunDirTest, UncommittedStagingIsRemovedAndTargetUntouched) {
  TempDir tmp;
  {
    StagedDirectory staged(tmp / "run", kind::kClassifier);
    write_file_atomic(staged.staging() / "weights", "x");
  }
  EXPECT_FALSE(fs::exists(tmp / "run"));
  EXPECT_EQ(entries_in(tmp.path()), 0u);
}

TEST(RunDirTest, CommitReplacesAnEarlierRunOfTheSameKind) {
  TempDir tmp;
  make_run(tmp / "run", kind::kLowRankRnn, "old");
  make_run(tmp / "run", kind::kLowRankRnn, "new");
  EXPECT_FALSE(fs::exists(tmp / "run" / "old"));
  EXPECT_TRUE(fs::exists(tmp / "run" / "new"));
  EXPECT_EQ(entries_in(tmp.path()), 1u);  // no staged or moved-aside leftovers
}

TEST(RunDirTest, AUsersFolderIsNeverReplaced) {
  TempDir tmp;
  fs::create_directories(tmp / "notes");
  write_file_atomic(tmp / "notes" / "notes.txt", "mine");
  for (const char* k : {kind::kClassifier, kind::kLowRankRnn, kind::kRnnTheory, kind::kStudy}) {
    EXPECT_THROW(StagedDirectory(tmp / "notes", k), UsageError) << k;
    EXPECT_THROW(guard_output_dir(tmp / "notes", k), UsageError) << k;
  }
  EXPECT_EQ(read_file(tmp / "notes" / "notes.txt"), "mine");
  EXPECT_EQ(entries_in(tmp.path()), 1u);
  // A run of another kind is refused too, with both kinds named.
  make_run(tmp / "rnn", kind::kLowRankRnn, "w");
  const std::string message = testing::error_of([&] { guard_output_dir(tmp / "rnn", kind::kClassifier); });
  EXPECT_NE(message.find("low-rank-rnn"), std::string::npos) << message;
  EXPECT_NE(message.find("--out"), std::string::npos) << message;
}

TEST(RunDirTest, AFolderThatAppearsDuringARunIsNotDeletedAtCommit) {
  TempDir tmp;
  StagedDirectory staged(tmp / "run", kind::kRnnTwins);
  fs::create_directories(tmp / "run");
  write_file_atomic(tmp / "run" / "notes.txt", "mine");
  EXPECT_THROW(staged.commit(), UsageError);
  EXPECT_EQ(read_file(tmp / "run" / "notes.txt"), "mine");
}

TEST(RunDirTest, GuardAcceptsMissingAndEmptyDirectoriesAndRefusesFiles) {
  TempDir tmp;
  EXPECT_NO_THROW(guard_output_dir(tmp / "missing", kind::kStudy));
  fs::create_directories(tmp / "empty");
  EXPECT_NO_THROW(guard_output_dir(tmp / "empty", kind::kStudy));
  write_file_atomic(tmp / "empty" / ".netprobe.lock", "1");  // a run stopped right after locking
  EXPECT_NO_THROW(guard_output_dir(tmp / "empty", kind::kStudy));
  write_file_atomic(tmp / "file", "x");
  EXPECT_THROW(guard_output_dir(tmp / "file", kind::kStudy), UsageError);
  EXPECT_FALSE(fs::exists(tmp / "missing"));  // the guard creates nothing
}

TEST(RunDirTest, MetaRecordsKindAndVersionsAndOpenRunChecksTheKind) {
  TempDir tmp;
  fs::create_directories(tmp / "run");
  const Json meta = write_meta(tmp / "run", kind::kRnnMemory, {{"etas", {0.1, 0.05}}});
  EXPECT_EQ(meta["kind"], "rnn-memory");
  EXPECT_EQ(meta["versions"]["git"], git_revision());
  EXPECT_EQ(meta["versions"]["netprobe"], version());
  EXPECT_EQ(run_kind(tmp / "run"), "rnn-memory");
  EXPECT_EQ(open_run(tmp / "run", kind::kRnnMemory)["etas"][1], 0.05);
  const std::string wrong = testing::error_of([&] { open_run(tmp / "run", kind::kClassifier); });
  EXPECT_NE(wrong.find("--model"), std::string::npos) << wrong;
  EXPECT_THROW(open_run(tmp / "run", kind::kClassifier), UsageError);
  EXPECT_THROW(open_run(tmp / "missing", kind::kClassifier), UsageError);
  EXPECT_THROW(open_run(tmp.path(), kind::kClassifier), UsageError);  // no meta.json
}

TEST(RunDirTest, OnlyStagesOfDeadNetprobeProcessesAreCleanedUp) {
  TempDir tmp;
  const long dead = testing::dead_pid();
  const fs::path stale = tmp / "models" / fmt::format("seed0-abc.netprobe-tmp-{}-1f", dead);
  const fs::path stale_file = tmp / fmt::format("results.csv.netprobe-tmp-{}-a0", dead);
  const fs::path live = tmp / "models" / fmt::format("seed1-abc.netprobe-tmp-{}-2e", ::getpid());
  fs::create_directories(stale / "inner");
  fs::create_directories(live);
  write_file_atomic(stale_file, "partial");
  for (const char* user :
       {"notes.tmp-1-a", "draft.tmp-5-abc", "x.netprobe-tmp-notapid", "y.netprobe-tmp-99999999999999999999-a"}) {
    write_file_atomic(tmp / user, "mine");
  }
  EXPECT_TRUE(is_stage_name(stale.filename().string()));
  EXPECT_FALSE(is_stage_name("draft.tmp-5-abc"));
  EXPECT_EQ(remove_stale_stages(tmp.path()), 2);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(stale_file));
  EXPECT_TRUE(fs::exists(live));  // another run in progress (here: this process)
  for (const char* user :
       {"notes.tmp-1-a", "draft.tmp-5-abc", "x.netprobe-tmp-notapid", "y.netprobe-tmp-99999999999999999999-a"}) {
    EXPECT_TRUE(fs::exists(tmp / user)) << user;
  }
}

TEST(RunDirTest, StagesNameTheirHostAndAnotherMachinesStagesAreLeftAlone) {
  TempDir tmp;
  EXPECT_NE(stage_suffix().find("@" + host_name()), std::string::npos) << stage_suffix();
  const long dead = testing::dead_pid();
  // A shard on another node of a shared file system: its pid means nothing here.
  const fs::path elsewhere = tmp / fmt::format("results.csv.netprobe-tmp-{}-a0@other-node.cluster", dead);
  const fs::path here = tmp / fmt::format("scores.json.netprobe-tmp-{}-a0@{}", dead, host_name());
  write_file_atomic(elsewhere, "theirs");
  write_file_atomic(here, "stale");
  EXPECT_TRUE(is_stage_name(elsewhere.filename().string()));
  EXPECT_EQ(remove_stale_stages(tmp.path()), 1);
  EXPECT_TRUE(fs::exists(elsewhere));
  EXPECT_FALSE(fs::exists(here));
}

TEST(RunDirTest, SharedLocksCoexistButExcludeAnExclusiveOne) {
  TempDir tmp;
  {
    const DirectoryLock shard_a(tmp / "study", LockMode::kShared);
    const DirectoryLock shard_b(tmp / "study", LockMode::kShared);
    const std::string message = testing::error_of([&] { DirectoryLock whole(tmp / "study"); });
    EXPECT_NE(message.find(fmt::format("on {}", host_name())), std::string::npos) << message;
  }
  {
    const DirectoryLock whole(tmp / "study");
    EXPECT_THROW(DirectoryLock(tmp / "study", LockMode::kShared), Error);
  }
  // A directory holding only the lock file and a staged meta.json is one a study is starting in.
  write_file_atomic(tmp / "study" / fmt::format("meta.json.netprobe-tmp-{}-1@{}", ::getpid(), host_name()), "{");
  EXPECT_NO_THROW(guard_output_dir(tmp / "study", kind::kStudy));
}

TEST(RunDirTest, SecondLockOnTheSameDirectoryIsRefusedWithTheHoldersPid) {
  TempDir tmp;
  {
    const DirectoryLock first(tmp / "study");
    const std::string message = testing::error_of([&] { DirectoryLock second(tmp / "study"); });
    EXPECT_NE(message.find(fmt::format("pid {}", ::getpid())), std::string::npos) << message;
    EXPECT_THROW(DirectoryLock(tmp / "study"), Error);
  }
  EXPECT_NO_THROW(DirectoryLock(tmp / "study"));  // released with its holder
}

}  // namespace
}  // namespace netprobe::core
