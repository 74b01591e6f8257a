#pragma once
/// Writes that never leave a partial file behind: write to a temporary sibling, then rename.
#include <filesystem>
#include <functional>
#include <string>

namespace netprobe::core {

/// Writes `contents` to `path` atomically (temp file in the same directory + rename).
void write_file_atomic(const std::filesystem::path& path, const std::string& contents);

/// Calls `writer(tmp_path)` to produce the file, then renames it to `path`. If the writer
/// throws, the temporary file is removed and the exception propagates.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& writer);

/// Reads a whole file; throws Error naming the file if it is missing or a directory.
std::string read_file(const std::filesystem::path& path);

/// A run directory built under a temporary name and renamed into place by `commit()`.
/// If destroyed without commit (an exception, an interrupt), the temporary tree is removed,
/// so `path` either holds a complete run or nothing new.
class StagedDirectory {
 public:
  explicit StagedDirectory(std::filesystem::path final_path);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  const std::filesystem::path& staging() const { return staging_; }
  /// Replaces any existing directory at the final path with the staged one.
  void commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace netprobe::core
