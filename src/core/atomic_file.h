#pragma once
/// Writes that never leave a partial file behind: write to a temporary sibling, then rename.
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace netprobe::core {

/// The suffix of every staged name netprobe creates: ".netprobe-tmp-<pid>-<random hex>@<host>".
/// Pid and host let a later run tell a dead process's leftovers from a live one's, also when
/// shards on several machines share one results directory (core::remove_stale_stages).
std::string stage_suffix();

/// This machine's host name, reduced to [A-Za-z0-9._-] (as it appears in staged names).
std::string host_name();

/// Writes `contents` to `path` atomically (temp file in the same directory + rename).
void write_file_atomic(const std::filesystem::path& path, const std::string& contents);

/// Calls `writer(tmp_path)` to produce the file, then renames it to `path`. If the writer
/// throws, the temporary file is removed and the exception propagates.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& writer);

/// Opens a file for binary reading; throws Error naming the file if it is missing, a directory
/// or cannot be opened.
std::ifstream open_for_reading(const std::filesystem::path& path);

/// Reads a whole file; throws Error naming the file if it is missing or a directory.
std::string read_file(const std::filesystem::path& path);

}  // namespace netprobe::core
