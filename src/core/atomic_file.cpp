#include "core/atomic_file.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.h"

namespace fs = std::filesystem;

namespace netprobe::core {
std::string stage_suffix() {
  // Thread-local: study workers stage files concurrently.
  thread_local std::mt19937_64 rng{std::random_device{}() ^ static_cast<uint64_t>(::getpid())};
  return fmt::format(".netprobe-tmp-{}-{:x}@{}", ::getpid(), rng(), host_name());
}

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof(buffer) - 1) != 0 || buffer[0] == '\0') return "localhost";
  std::string host(buffer);
  for (char& c : host) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!keep) c = '_';
  }
  return host;
}

void write_atomically(const fs::path& path, const std::function<void(const fs::path&)>& writer) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  fs::path tmp = path;
  tmp += stage_suffix();
  try {
    writer(tmp);
    fs::rename(tmp, path);
  } catch (const fs::filesystem_error& e) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    // The final name and the system's reason ("No space left on device", "Read-only file system").
    throw Error(fmt::format("{}: cannot write file: {}", path.string(), e.code().message()));
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_file_atomic(const fs::path& path, const std::string& contents) {
  write_atomically(path, [&](const fs::path& tmp) {
    errno = 0;
    std::ofstream out(tmp, std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) {
      throw Error(fmt::format("{}: cannot write file{}", path.string(),
                              errno != 0 ? fmt::format(": {}", std::strerror(errno)) : std::string()));
    }
  });
}

std::ifstream open_for_reading(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw Error(fmt::format("{}: is a directory, expected a file", path.string()));
  const bool exists = fs::exists(path, ec);
  if (ec) throw Error(fmt::format("{}: cannot be read: {}", path.string(), ec.message()));  // e.g. permission denied
  if (!exists) throw Error(fmt::format("{}: no such file", path.string()));
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("{}: cannot open file{}", path.string(),
                            errno != 0 ? fmt::format(": {}", std::strerror(errno)) : std::string()));
  }
  return in;
}

std::string read_file(const fs::path& path) {
  std::ifstream in = open_for_reading(path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace netprobe::core
