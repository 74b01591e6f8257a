#include "core/run_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/invocation.h"
#include "core/version.h"

namespace fs = std::filesystem;

namespace netprobe::core {
namespace {

constexpr const char* kLockFile = ".netprobe.lock";

bool is_stage_path(const fs::path& path);

// Empty, or holding only netprobe's lock file and staged files: a run stopped right after taking
// the lock, or one that is writing its meta.json this moment (shards starting side by side).
bool is_empty_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path().filename() != kLockFile && !is_stage_path(it->path())) return false;
  }
  return !ec;
}

// Staged names: "<name>.netprobe-tmp-<pid>-<hex>@<host>" (see stage_suffix()); names of older
// versions have no "@<host>" and are taken as this machine's. Nothing else is ever removed: a
// user's "notes.tmp-1-a" is not netprobe's.
const std::regex& stage_pattern() {
  // 10 digits: stol cannot overflow.
  static const std::regex pattern(R"(^.+\.netprobe-tmp-([0-9]{1,10})-[0-9a-f]+(@([A-Za-z0-9._-]+))?$)");
  return pattern;
}

bool is_stage_path(const fs::path& path) { return std::regex_match(path.filename().string(), stage_pattern()); }

bool process_alive(long pid) {
  if (pid <= 0 || pid > 0x7fffffffL) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

Json versions_json() { return {{"netprobe", version()}, {"git", git_revision()}, {"libtorch", torch_version()}}; }

std::string run_kind(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "meta.json", ec)) {
    try {
      const Json meta = read_json(dir / "meta.json");
      if (meta.is_object() && meta.contains("kind") && meta["kind"].is_string()) return meta["kind"];
    } catch (const std::exception&) {
      return "";
    }
    return "";
  }
  if (fs::is_regular_file(dir / "study.json", ec)) return kind::kStudy;
  return "";
}

void guard_output_dir(const fs::path& dir, const std::string& kind, const std::string& option) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return;
  if (!fs::is_directory(dir, ec)) {
    throw UsageError(fmt::format("{}: {} exists and is not a directory", option, dir.string()));
  }
  if (is_empty_directory(dir)) return;
  const std::string found = run_kind(dir);
  if (found == kind) return;
  if (found.empty()) {
    throw UsageError(
        fmt::format("{}: {} is a non-empty directory that is not a netprobe {} directory; "
                    "choose a new or empty directory",
                    option, dir.string(), kind));
  }
  throw UsageError(fmt::format("{}: {} holds a netprobe {} directory, not a {} one; choose another directory", option,
                               dir.string(), found, kind));
}

Json write_meta(const fs::path& dir, const std::string& kind, Json fields) {
  Json meta = {{"kind", kind}};
  for (auto& [key, value] : fields.items()) meta[key] = value;
  meta["versions"] = versions_json();
  const Json invocation = invocation_json();
  if (!invocation.empty()) meta["invocation"] = invocation;
  write_json(dir / "meta.json", meta);
  return meta;
}

Json open_run(const fs::path& dir, const std::string& kind, const std::string& option) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("{}: {}: not a directory", option, dir.string()));
  const fs::path meta_path = dir / "meta.json";
  if (!fs::exists(meta_path, ec)) {
    throw UsageError(fmt::format("{}: {}: not a netprobe run directory (no meta.json)", option, dir.string()));
  }
  const Json meta = read_json(meta_path);
  const std::string found =
      meta.is_object() && meta.contains("kind") && meta["kind"].is_string() ? meta["kind"].get<std::string>() : "";
  if (found.empty()) {  // the file, not the option, is what is wrong
    throw Error(fmt::format("{}: no \"kind\" of run (not written by netprobe, or damaged since)", meta_path.string()));
  }
  if (found != kind) {
    throw UsageError(fmt::format("{}: {}: a netprobe {} directory, expected a {} run", option, dir.string(),
                                 found.empty() ? "(unknown kind)" : found, kind));
  }
  return meta;
}

bool is_stage_name(const std::string& filename) { return std::regex_match(filename, stage_pattern()); }

int remove_stale_stages(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::vector<fs::path> stale;  // collected first: removing while iterating invalidates the iterator
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::smatch match;
    const std::string name = it->path().filename().string();
    if (!std::regex_match(name, match, stage_pattern())) continue;
    it.disable_recursion_pending();
    // Another machine's stage (a shard on a shared file system): whether its process lives cannot
    // be told from here, so it is left alone.
    if (match[2].matched && match[3].str() != host_name()) continue;
    if (!process_alive(std::stol(match[1].str()))) stale.push_back(it->path());
  }
  int removed = 0;
  for (const auto& path : stale) removed += fs::remove_all(path, ec) > 0 ? 1 : 0;
  return removed;
}

StagedDirectory::StagedDirectory(fs::path final_path, std::string kind)
    : final_(std::move(final_path)), kind_(std::move(kind)) {
  guard_output_dir(final_, kind_);
  if (final_.has_parent_path()) fs::create_directories(final_.parent_path());
  staging_ = final_;
  staging_ += stage_suffix();
  fs::create_directories(staging_);
}

StagedDirectory::~StagedDirectory() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

void StagedDirectory::commit() {
  guard_output_dir(final_, kind_);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(final_, ec))) {
    // Move the old run aside first so the final path is never empty-but-half-written.
    fs::path old = final_;
    old += stage_suffix();
    fs::rename(final_, old);
    fs::rename(staging_, final_);
    fs::remove_all(old, ec);
  } else {
    fs::rename(staging_, final_);
  }
  committed_ = true;
}

FileLock::FileLock(const fs::path& path, LockMode mode, const std::string& subject, const std::string& doing) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("{}: cannot open lock file", path.string()));
  if (::flock(fd_, (mode == LockMode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    char buffer[128] = {};
    const ssize_t n = ::pread(fd_, buffer, sizeof(buffer) - 1, 0);
    const std::string holder = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string("?");
    ::close(fd_);
    fd_ = -1;
    throw Error(fmt::format("{}: another netprobe process ({}) {}", subject, holder, doing));
  }
  // Who holds it, only for the message above (shared holders overwrite each other's line).
  const std::string holder = fmt::format("pid {} on {}", ::getpid(), host_name());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, holder.data(), holder.size(), 0) < 0) {
    // The lock itself is held; only the message would lack the holder.
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

DirectoryLock::DirectoryLock(const fs::path& dir, LockMode mode)
    : lock_(dir / kLockFile, mode, dir.string(),
            "is using this directory; wait for it to finish or choose another --out") {}

}  // namespace netprobe::core
