#include "src/data/idx.h"

#include <zlib.h>

#include <fstream>
#include <limits>

#include <fmt/format.h>

namespace netprobe::data {
namespace {

constexpr size_t kMaxDims = 8;

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool is_known_type(uint8_t code) {
  switch (code) {
    case 0x08: case 0x09: case 0x0B: case 0x0C: case 0x0D: case 0x0E: return true;
    default: return false;
  }
}

}  // namespace

size_t idx_element_size(IdxType type) {
  switch (type) {
    case IdxType::kUint8: case IdxType::kInt8: return 1;
    case IdxType::kInt16: return 2;
    case IdxType::kInt32: case IdxType::kFloat32: return 4;
    case IdxType::kFloat64: return 8;
  }
  return 1;
}

size_t IdxArray::element_count() const {
  size_t n = 1;
  for (uint32_t d : dims) n *= d;
  return n;
}

IdxArray parse_idx(const uint8_t* data, size_t size, const std::string& name) {
  if (size == 0) throw IdxError(fmt::format("{}: empty file", name));
  if (size < 4) throw IdxError(fmt::format("{}: truncated header ({} bytes, need at least 4)", name, size));
  if (data[0] != 0 || data[1] != 0) {
    throw IdxError(fmt::format("{}: wrong magic number 0x{:02x}{:02x}{:02x}{:02x} (IDX files start with 0x0000)",
                               name, data[0], data[1], data[2], data[3]));
  }
  if (!is_known_type(data[2])) {
    throw IdxError(fmt::format("{}: unknown IDX type code 0x{:02x}", name, data[2]));
  }
  const size_t ndims = data[3];
  if (ndims == 0 || ndims > kMaxDims) {
    throw IdxError(fmt::format("{}: unsupported number of dimensions {} (1..{})", name, ndims, kMaxDims));
  }
  const size_t header = 4 + 4 * ndims;
  if (size < header) {
    throw IdxError(fmt::format("{}: truncated header ({} bytes, {} dimensions need {})", name, size, ndims, header));
  }
  IdxArray array;
  array.type = static_cast<IdxType>(data[2]);
  // Multiply in 128 bits so a hostile header cannot overflow the size check.
  unsigned __int128 expected = idx_element_size(array.type);
  for (size_t i = 0; i < ndims; ++i) {
    const uint32_t d = read_be32(data + 4 + 4 * i);
    array.dims.push_back(d);
    expected *= d;
  }
  const size_t body = size - header;
  if (expected != body) {
    const bool truncated = expected > body;
    const std::string dims_text = [&] {
      std::string s;
      for (size_t i = 0; i < ndims; ++i) s += (i ? "x" : "") + std::to_string(array.dims[i]);
      return s;
    }();
    if (expected > std::numeric_limits<uint64_t>::max()) {
      throw IdxError(fmt::format("{}: dimensions {} are too large for the file size", name, dims_text));
    }
    throw IdxError(fmt::format("{}: {}: dimensions {} need {} body bytes, file has {}", name,
                               truncated ? "truncated body" : "dimension product does not match the file size",
                               dims_text, static_cast<uint64_t>(expected), body));
  }
  array.body.assign(data + header, data + size);
  return array;
}

std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& name) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw IdxError(fmt::format("{}: zlib init failed", name));
  std::vector<uint8_t> out;
  out.resize(std::max<size_t>(size * 4, 1 << 16));
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.total_out == out.size()) out.resize(out.size() * 2);
    zs.next_out = out.data() + zs.total_out;
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      throw IdxError(fmt::format("{}: truncated gzip stream", name));
    }
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
      inflateEnd(&zs);
      throw IdxError(fmt::format("{}: corrupt gzip stream ({})", name, msg));
    }
  }
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

IdxArray read_idx(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw IdxError(fmt::format("{}: is a directory, expected an IDX file", name));
  if (!std::filesystem::exists(path, ec)) throw IdxError(fmt::format("{}: no such file", name));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IdxError(fmt::format("{}: cannot open file", name));
  std::vector<uint8_t> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IdxError(fmt::format("{}: read error", name));
  if (raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
    const std::vector<uint8_t> inflated = gunzip(raw.data(), raw.size(), name);
    return parse_idx(inflated.data(), inflated.size(), name);
  }
  return parse_idx(raw.data(), raw.size(), name);
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
