#include "core/content_hash.h"

#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace netprobe::core {

void ContentHash::update(std::string_view bytes) {
  for (unsigned char c : bytes) {
    hash_ ^= c;
    hash_ *= 0x100000001b3ULL;
  }
  bytes_ += bytes.size();
}

ContentHash hash_file(const std::filesystem::path& path) {
  std::ifstream in = open_for_reading(path);
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
