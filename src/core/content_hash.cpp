#include "src/core/content_hash.h"

#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "src/core/errors.h"

namespace netprobe::core {

void ContentHash::update(std::string_view bytes) {
  for (unsigned char c : bytes) {
    hash_ ^= c;
    hash_ *= 0x100000001b3ULL;
  }
  bytes_ += bytes.size();
}

ContentHash hash_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(fmt::format("{}: is a directory, expected a file", path.string()));
  }
  if (!std::filesystem::exists(path, ec)) throw Error(fmt::format("{}: no such file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open file", path.string()));
  ContentHash hash;
  std::vector<char> chunk(size_t{1} << 20);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    hash.update({chunk.data(), static_cast<size_t>(in.gcount())});
  }
  if (in.bad()) throw Error(fmt::format("{}: read failed", path.string()));
  return hash;
}

}  // namespace netprobe::core
