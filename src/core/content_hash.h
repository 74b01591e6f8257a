#pragma once
/// The size and FNV-1a hash of a file's bytes, as a results directory's manifest records them,
/// computed over pieces so that no large file has to be held in memory whole.
///
///   ContentHash h;  h.update("ab");  h.update("c");   // h.fnv1a() == tag_of("abc")
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace netprobe::core {

class ContentHash {
 public:
  void update(std::string_view bytes);
  uint64_t fnv1a() const { return hash_; }
  uint64_t bytes() const { return bytes_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis, as tag_of
  uint64_t bytes_ = 0;
};

/// The hash of a whole file, read in chunks; Error naming the file when it cannot be read.
ContentHash hash_file(const std::filesystem::path& path);

}  // namespace netprobe::core
