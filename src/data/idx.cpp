#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

namespace netprobe::data {
namespace {

constexpr size_t kMaxDims = 8;

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool is_known_type(uint8_t code) {
  switch (code) {
    case 0x08:
    case 0x09:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x0E: return true;
    default: return false;
  }
}

}  // namespace

size_t idx_element_size(IdxType type) {
  switch (type) {
    case IdxType::kUint8:
    case IdxType::kInt8: return 1;
    case IdxType::kInt16: return 2;
    case IdxType::kInt32:
    case IdxType::kFloat32: return 4;
    case IdxType::kFloat64: return 8;
  }
  return 1;
}

size_t IdxArray::element_count() const {
  size_t n = 1;
  for (uint32_t d : dims) {
    if (__builtin_mul_overflow(n, size_t{d}, &n)) return 0;
  }
  return n;
}

namespace {

std::string dims_text(const std::vector<uint32_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

// The header of an IDX image: type, dims, its size in bytes, and the body size it declares.
struct IdxHeader {
  IdxType type = IdxType::kUint8;
  std::vector<uint32_t> dims;
  size_t bytes = 0;
  uint64_t body = 0;
};

// Bytes needed before the header can be parsed: 4, then 4 + 4 * ndims once data[3] is known.
size_t header_size(const uint8_t* data, size_t size) { return size < 4 ? 4 : 4 + 4 * size_t{data[3]}; }

IdxHeader parse_header(const uint8_t* data, size_t size, const std::string& name) {
  if (size == 0) throw IdxError(fmt::format("{}: empty file", name));
  if (size < 4) throw IdxError(fmt::format("{}: truncated header ({} bytes, need at least 4)", name, size));
  if (data[0] != 0 || data[1] != 0) {
    throw IdxError(fmt::format("{}: wrong magic number 0x{:02x}{:02x}{:02x}{:02x} (IDX files start with 0x0000)", name,
                               data[0], data[1], data[2], data[3]));
  }
  if (!is_known_type(data[2])) {
    throw IdxError(fmt::format("{}: unknown IDX type code 0x{:02x}", name, data[2]));
  }
  const size_t ndims = data[3];
  if (ndims == 0 || ndims > kMaxDims) {
    throw IdxError(fmt::format("{}: unsupported number of dimensions {} (1..{})", name, ndims, kMaxDims));
  }
  IdxHeader h;
  h.bytes = 4 + 4 * ndims;
  if (size < h.bytes) {
    throw IdxError(fmt::format("{}: truncated header ({} bytes, {} dimensions need {})", name, size, ndims, h.bytes));
  }
  h.type = static_cast<IdxType>(data[2]);
  for (size_t i = 0; i < ndims; ++i) h.dims.push_back(read_be32(data + 4 + 4 * i));
  // Checked at every factor, so no product of hostile dims can wrap around to a plausible size.
  bool too_large = false;
  h.body = idx_element_size(h.type);
  for (uint32_t d : h.dims) too_large = too_large || __builtin_mul_overflow(h.body, uint64_t{d}, &h.body);
  if (too_large || h.body > kMaxIdxBodyBytes) {
    throw IdxError(fmt::format(
        "{}: dimensions {} declare {} of data, more than netprobe reads ({} bytes)", name, dims_text(h.dims),
        too_large ? std::string("over 2^64 bytes") : std::to_string(h.body) + " bytes", kMaxIdxBodyBytes));
  }
  return h;
}

}  // namespace

IdxArray parse_idx(const uint8_t* data, size_t size, const std::string& name) {
  const IdxHeader h = parse_header(data, size, name);
  const size_t body = size - h.bytes;
  if (h.body != body) {
    throw IdxError(fmt::format("{}: {}: dimensions {} need {} body bytes, file has {}", name,
                               h.body > body ? "truncated body" : "dimension product does not match the file size",
                               dims_text(h.dims), h.body, body));
  }
  IdxArray array;
  array.type = h.type;
  array.dims = h.dims;
  array.body.assign(data + h.bytes, data + size);
  return array;
}

namespace {

// parse_idx that takes the bytes over: the body stays in the buffer it was read into, rather
// than a second 47 MB copy (each fresh page of which is a page fault).
IdxArray parse_idx_owned(std::vector<uint8_t>&& bytes, const std::string& name) {
  const IdxHeader h = parse_header(bytes.data(), bytes.size(), name);
  if (h.body != bytes.size() - h.bytes) return parse_idx(bytes.data(), bytes.size(), name);  // throws, saying why
  IdxArray array;
  array.type = h.type;
  array.dims = h.dims;
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(h.bytes));
  array.body = std::move(bytes);
  return array;
}

// One gzip member inflated on demand, so the caller decides how much output it accepts.
class Inflater {
 public:
  Inflater(const uint8_t* data, size_t size, std::string name) : name_(std::move(name)) {
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) throw IdxError(fmt::format("{}: zlib init failed", name_));
    zs_.next_in = const_cast<Bytef*>(data);
    zs_.avail_in = static_cast<uInt>(size);
  }
  ~Inflater() { inflateEnd(&zs_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  /// Inflates until `out` holds `target` bytes or the member ends.
  void fill(std::vector<uint8_t>& out, size_t target) {
    while (out.size() < target && !ended_) {
      const size_t before = out.size();
      const size_t step = std::min<size_t>(target - before, size_t{1} << 20);  // grow with the data, not the claim
      out.resize(before + step);
      zs_.next_out = out.data() + before;
      zs_.avail_out = static_cast<uInt>(step);
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      out.resize(before + step - zs_.avail_out);
      if (rc == Z_STREAM_END) {
        ended_ = true;
      } else if (rc == Z_BUF_ERROR && zs_.avail_in == 0) {
        throw IdxError(fmt::format("{}: truncated gzip stream", name_));
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        throw IdxError(fmt::format("{}: corrupt gzip stream ({})", name_, zs_.msg ? zs_.msg : std::to_string(rc)));
      }
    }
  }

  /// After the expected output: the member must end here, with no input left over.
  void finish() {
    std::vector<uint8_t> extra;
    fill(extra, 1);
    if (!extra.empty()) throw IdxError(fmt::format("{}: gzip stream holds more data than expected", name_));
    if (zs_.avail_in > 0) {
      throw IdxError(fmt::format("{}: {} bytes of trailing data after the gzip stream (a second member or garbage)",
                                 name_, zs_.avail_in));
    }
  }

 private:
  std::string name_;
  z_stream zs_{};
  bool ended_ = false;
};

}  // namespace

std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& name, size_t max_output) {
  Inflater inflater(data, size, name);
  std::vector<uint8_t> out;
  inflater.fill(out, max_output);
  inflater.finish();
  return out;
}

IdxArray decode_idx(const uint8_t* data, size_t size, const std::string& name) {
  if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) return parse_idx(data, size, name);
  Inflater inflater(data, size, name);
  std::vector<uint8_t> bytes;
  inflater.fill(bytes, 4);
  inflater.fill(bytes, header_size(bytes.data(), bytes.size()));
  const IdxHeader h = parse_header(bytes.data(), bytes.size(), name);
  bytes.reserve(h.bytes + h.body);
  inflater.fill(bytes, h.bytes + h.body);
  if (bytes.size() < h.bytes + h.body) return parse_idx(bytes.data(), bytes.size(), name);  // truncated body
  inflater.finish();
  return parse_idx_owned(std::move(bytes), name);
}

IdxArray read_idx(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const std::string name = path.string();
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  const fs::file_status target = fs::status(path, ec);
  if (!fs::exists(link)) throw IdxError(fmt::format("{}: no such file", name));
  if (!fs::exists(target)) throw IdxError(fmt::format("{}: dangling symbolic link, expected an IDX file", name));
  if (fs::is_directory(target)) throw IdxError(fmt::format("{}: is a directory, expected an IDX file", name));
  if (!fs::is_regular_file(target)) {
    // Opening a FIFO would block until a writer appears.
    throw IdxError(fmt::format("{}: not a regular file (a FIFO, socket or device), expected an IDX file", name));
  }
  const uintmax_t file_size = fs::file_size(path, ec);
  if (!ec && file_size > kMaxIdxBodyBytes + 4 + 4 * kMaxDims) {
    throw IdxError(fmt::format("{}: {} bytes, larger than any IDX file netprobe reads", name, file_size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IdxError(fmt::format("{}: cannot open file", name));
  // One read of the whole file: a byte-wise stream iterator was a visible share of a study's start.
  std::vector<uint8_t> raw(ec ? 0 : static_cast<size_t>(file_size));
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (in.bad()) throw IdxError(fmt::format("{}: read error", name));
  raw.resize(static_cast<size_t>(in.gcount()));
  if (in.peek() != std::ifstream::traits_type::eof()) {
    throw IdxError(fmt::format("{}: changed size while being read", name));
  }
  if (raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) return decode_idx(raw.data(), raw.size(), name);
  return parse_idx_owned(std::move(raw), name);
}

std::vector<uint8_t> encode_idx(const IdxArray& array, bool gzip) {
  std::vector<uint8_t> bytes = {0, 0, static_cast<uint8_t>(array.type), static_cast<uint8_t>(array.dims.size())};
  for (uint32_t d : array.dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(d >> shift));
  }
  bytes.insert(bytes.end(), array.body.begin(), array.body.end());
  if (!gzip) return bytes;
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<uint8_t> out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 32);
  zs.next_in = bytes.data();
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace netprobe::data
