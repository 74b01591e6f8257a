#include "core/zip_check.h"

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <zlib.h>

#include "core/errors.h"
#include "core/pickle_check.h"

namespace netprobe::core {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEnd = 0x06054b50;
constexpr uint32_t kEnd64 = 0x06064b50, kEnd64Locator = 0x07064b50;

uint64_t le(const std::string& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b.at(at + static_cast<size_t>(i)));
  return v;
}

class Archive {
 public:
  explicit Archive(const std::filesystem::path& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw Error(fmt::format("{}: cannot be read", path.string()));
    in_.seekg(0, std::ios::end);
    size_ = static_cast<uint64_t>(in_.tellg());
  }
  uint64_t size() const { return size_; }

  std::string read(uint64_t offset, uint64_t length) {
    if (offset > size_ || length > size_ - offset) damaged("an entry or directory lies beyond the end of the file");
    std::string out(length, '\0');
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(out.data(), static_cast<std::streamsize>(length));
    if (!in_) damaged("cannot read it to the end");
    return out;
  }

  [[noreturn]] void damaged(const std::string& why) const {
    throw Error(
        fmt::format("{}: damaged archive: {} (truncated or changed since it was written)", path_.string(), why));
  }

  // CRC-32 of `length` bytes at `offset`, stored (method 0) or deflated (method 8); the entry's
  // bytes are appended to `keep` when given.
  uint32_t crc_of(uint64_t offset, uint64_t compressed, uint64_t uncompressed, int method, const std::string& name,
                  std::string* keep) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // Ended on every way out, the throwing ones included (a leak the fuzzer found).
    struct Inflater {
      z_stream z{};
      bool started = false;
      ~Inflater() {
        if (started) inflateEnd(&z);
      }
    } inflater;
    z_stream& z = inflater.z;
    if (method == 8) {
      if (inflateInit2(&z, -MAX_WBITS) != Z_OK) damaged("zlib cannot start");
      inflater.started = true;
    }
    std::vector<unsigned char> out(1 << 16);
    uint64_t produced = 0;
    for (uint64_t done = 0; done < compressed;) {
      const uint64_t n = std::min<uint64_t>(compressed - done, 1 << 20);
      std::string chunk = read(offset + done, n);
      done += n;
      if (method == 0) {
        crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(chunk.size()));
        if (keep != nullptr) keep->append(chunk);
        continue;
      }
      z.next_in = reinterpret_cast<Bytef*>(chunk.data());
      z.avail_in = static_cast<uInt>(chunk.size());
      while (z.avail_in > 0) {
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        const int rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) damaged(fmt::format("entry {} does not inflate", name));
        const size_t got = out.size() - z.avail_out;
        crc = crc32(crc, out.data(), static_cast<uInt>(got));
        if (keep != nullptr) keep->append(reinterpret_cast<const char*>(out.data()), got);
        produced += got;
        if (produced > uncompressed) damaged(fmt::format("entry {} inflates past its size", name));
        if (rc == Z_STREAM_END) break;
      }
    }
    if (method == 8 && produced != uncompressed) damaged(fmt::format("entry {} inflates to the wrong size", name));
    return static_cast<uint32_t>(crc);
  }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  uint64_t size_ = 0;
};

}  // namespace

void check_zip_crcs(const std::filesystem::path& path) {
  Archive zip(path);
  if (zip.size() < 4 || le(zip.read(0, 4), 0, 4) != kLocalHeader) return;  // not a zip: its reader says what it is
  // The end-of-central-directory record: within the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
  const uint64_t tail = std::min<uint64_t>(zip.size(), 65536 + 22);
  const std::string end = zip.read(zip.size() - tail, tail);
  size_t at = std::string::npos;
  for (size_t i = end.size() >= 22 ? end.size() - 22 + 1 : 0; i-- > 0;) {
    if (le(end, i, 4) == kEnd) {
      at = i;
      break;
    }
  }
  if (at == std::string::npos) zip.damaged("no end of central directory");
  uint64_t entries = le(end, at + 10, 2), directory = le(end, at + 16, 4);
  if ((entries == 0xffff || directory == 0xffffffff) && at >= 20 && le(end, at - 20, 4) == kEnd64Locator) {
    const std::string record = zip.read(le(end, at - 20 + 8, 8), 56);
    if (le(record, 0, 4) != kEnd64) zip.damaged("no zip64 end of central directory");
    entries = le(record, 32, 8);
    directory = le(record, 48, 8);
  }
  // Every entry first: a pickle's storages are other entries.
  struct Entry {
    std::string name;
    int method;
    uint32_t crc;
    uint64_t compressed, uncompressed, local;
  };
  std::vector<Entry> all;
  std::map<std::string, uint64_t> sizes;
  uint64_t offset = directory;
  for (uint64_t e = 0; e < entries; ++e) {
    const std::string header = zip.read(offset, 46);
    if (le(header, 0, 4) != kCentralHeader) zip.damaged("a central directory entry is missing");
    Entry entry{{},
                static_cast<int>(le(header, 10, 2)),
                static_cast<uint32_t>(le(header, 16, 4)),
                le(header, 20, 4),
                le(header, 24, 4),
                le(header, 42, 4)};
    const uint64_t name_length = le(header, 28, 2), extra_length = le(header, 30, 2), comment = le(header, 32, 2);
    entry.name = zip.read(offset + 46, name_length);
    // Zip64: the fields that overflowed come from the extra field 0x0001, in this order.
    const std::string extra = zip.read(offset + 46 + name_length, extra_length);
    for (size_t x = 0; x + 4 <= extra.size();) {
      const uint64_t id = le(extra, x, 2), size = le(extra, x + 2, 2);
      if (id == 1) {
        size_t field = x + 4;
        for (uint64_t* value : {&entry.uncompressed, &entry.compressed, &entry.local}) {
          if ((*value == 0xffffffff) && field + 8 <= x + 4 + size) {
            *value = le(extra, field, 8);
            field += 8;
          }
        }
      }
      x += 4 + size;
    }
    sizes[entry.name] = entry.uncompressed;
    all.push_back(std::move(entry));
    offset += 46 + name_length + extra_length + comment;
  }
  for (const Entry& entry : all) {
    const std::string& name = entry.name;
    if (entry.method != 0 && entry.method != 8) {
      zip.damaged(fmt::format("entry {} uses compression method {}", name, entry.method));
    }
    const std::string local_header = zip.read(entry.local, 30);
    if (le(local_header, 0, 4) != kLocalHeader) zip.damaged(fmt::format("entry {} has no local header", name));
    const uint64_t data = entry.local + 30 + le(local_header, 26, 2) + le(local_header, 28, 2);
    // Pickles are also walked: what LibTorch's unpickler allocates must stay within their size,
    // and the storages they name within their records (model/data.pkl's are model/data/<key>).
    const bool pickle = name.size() >= 4 && name.compare(name.size() - 4, 4, ".pkl") == 0;
    std::string bytes;
    if (zip.crc_of(data, entry.compressed, entry.uncompressed, entry.method, name, pickle ? &bytes : nullptr) !=
        entry.crc) {
      zip.damaged(fmt::format("entry {} fails its CRC-32 check", name));
    }
    if (!pickle) continue;
    const std::string records = name.substr(0, name.size() - 4) + "/";
    check_pickle(bytes, fmt::format("{}: entry {}", path.string(), name),
                 [&](const std::string& key) -> std::optional<uint64_t> {
                   const auto it = sizes.find(records + key);
                   if (it == sizes.end()) return std::nullopt;
                   return it->second;
                 });
  }
}

}  // namespace netprobe::core
