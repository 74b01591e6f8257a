#pragma once
/// Run directories: every directory netprobe writes (`train`, `study`, `rnn ...`) holds a
/// meta.json naming its kind, the netprobe version, the git revision and the LibTorch version.
/// This module is the one place that decides whether an `--out` may be written, stages a run
/// and renames it into place, cleans up what an interrupted run left, and locks a directory
/// that several processes could share.
///
///   core::guard_output_dir(out, core::kind::kClassifier);   // before any work
///   core::StagedDirectory staged(out, core::kind::kClassifier);
///   ... write into staged.staging() ...
///   core::write_meta(staged.staging(), core::kind::kClassifier, {{"config", ...}});
///   staged.commit();
#include <filesystem>
#include <string>

#include "core/json_io.h"

namespace netprobe::core {

/// The value of meta.json's "kind" for each directory netprobe writes.
namespace kind {
inline constexpr const char* kClassifier = "classifier";
inline constexpr const char* kLowRankRnn = "low-rank-rnn";
inline constexpr const char* kStudy = "study";
inline constexpr const char* kRnnTheory = "rnn-theory";
inline constexpr const char* kRnnTwins = "rnn-twins";
inline constexpr const char* kRnnMemory = "rnn-memory";
inline constexpr const char* kRnnProbe = "rnn-probe";
inline constexpr const char* kRnnDecode = "rnn-decode";
inline constexpr const char* kCompression = "compression";
}  // namespace kind

/// {"netprobe": version, "git": revision at build time, "libtorch": version}.
Json versions_json();

/// The kind recorded in dir/meta.json; "" when there is none or it cannot be read. A study
/// directory written before meta.json existed is recognized by its study.json.
std::string run_kind(const std::filesystem::path& dir);

/// Refuses (UsageError, exit 2) an `option` path that exists and is not a netprobe directory of
/// `kind`: a file, or a non-empty directory without a meta.json of that kind. An empty directory
/// or a missing path is accepted. Nothing is created.
void guard_output_dir(const std::filesystem::path& dir, const std::string& kind, const std::string& option = "--out");

/// Writes dir/meta.json atomically: `fields` plus "kind", "versions" and, in the netprobe
/// binary, "invocation" (command line and --config text, core/invocation.h).
Json write_meta(const std::filesystem::path& dir, const std::string& kind, Json fields);

/// Reads the meta.json of a run directory of `kind`. UsageError naming `option` when `dir` is not
/// a directory, has no meta.json, or is another kind; core::Error when meta.json is corrupt.
Json open_run(const std::filesystem::path& dir, const std::string& kind, const std::string& option = "--model");

/// True for a name netprobe gave to a staged file or directory (see stage_suffix()).
bool is_stage_name(const std::string& filename);

/// Removes, below `dir`, the staged files and directories of netprobe processes that no longer
/// run on this machine. Anything else (user files, the stages of a live process) is left alone.
/// Returns how many entries were removed.
int remove_stale_stages(const std::filesystem::path& dir);

/// A run directory built under a staged sibling name and renamed into place by `commit()`.
/// Destroyed without commit (an exception, an interrupt), the staged tree is removed, so the
/// final path holds either a complete run or what was there before.
class StagedDirectory {
 public:
  /// Guards `final_path` for `kind` (UsageError for a user's folder), then creates the stage.
  StagedDirectory(std::filesystem::path final_path, std::string kind);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  const std::filesystem::path& staging() const { return staging_; }
  /// Replaces an earlier run of the same kind (or an empty directory) with the staged one;
  /// re-checks the guard, so a folder that appeared meanwhile is never deleted.
  void commit();

 private:
  std::filesystem::path final_;
  std::string kind_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

/// Exclusive: one holder. Shared: any number of shared holders, but no exclusive one beside them
/// (the shards of one study share its directory; a whole study or a merge excludes them).
enum class LockMode { kExclusive, kShared };

/// An advisory lock (flock) on a lock file, held for the object's lifetime; the kernel releases it
/// when the process dies, so a killed run never leaves it stuck. When it is taken: core::Error
/// "<subject>: another netprobe process (pid 123 on node7) <doing>".
class FileLock {
 public:
  FileLock(const std::filesystem::path& path, LockMode mode, const std::string& subject, const std::string& doing);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

/// The lock of a run directory: dir/.netprobe.lock. A second process gets core::Error naming the
/// directory and the holder.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::filesystem::path& dir, LockMode mode = LockMode::kExclusive);

 private:
  FileLock lock_;
};

}  // namespace netprobe::core
