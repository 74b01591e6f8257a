#pragma once
/// The IDX file format of MNIST and Fashion-MNIST, raw or gzip-compressed.
///
///   auto images = netprobe::data::read_idx("train-images-idx3-ubyte.gz");
///   // images.dims == {60000, 28, 28}, images.type == IdxType::kUint8
///
/// Validation is strict: every problem is an IdxError naming the file and what is wrong,
/// never a crash and never a silent partial read.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace netprobe::data {

enum class IdxType : uint8_t {
  kUint8 = 0x08,
  kInt8 = 0x09,
  kInt16 = 0x0B,
  kInt32 = 0x0C,
  kFloat32 = 0x0D,
  kFloat64 = 0x0E,
};

/// Bytes per element of an IDX type.
size_t idx_element_size(IdxType type);

struct IdxArray {
  IdxType type = IdxType::kUint8;
  std::vector<uint32_t> dims;
  std::vector<uint8_t> body;  ///< elements in file (big-endian) byte order

  /// Product of the dims; 0 for an array too large to count in size_t (never the case for a
  /// parsed array, whose body holds every element).
  size_t element_count() const;
};

/// The largest body netprobe reads (2 GiB; MNIST's largest file is 47 MB): a header declaring
/// more is an IdxError before anything is allocated.
inline constexpr uint64_t kMaxIdxBodyBytes = uint64_t{1} << 31;

/// A malformed or unreadable IDX file; the message names the file.
class IdxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses an IDX image from memory (already decompressed). `name` is used in errors.
IdxArray parse_idx(const uint8_t* data, size_t size, const std::string& name);

/// Decompresses one whole gzip member of at most `max_output` bytes. A truncated or corrupt
/// stream, more output than `max_output`, or any byte after the member (trailing garbage, a
/// second member) is an IdxError.
std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& name, size_t max_output);

/// Decodes a raw or gzip-compressed (detected by its magic bytes) IDX file held in memory. A gzip
/// stream is inflated header first, and then only as far as the header declares, so a small
/// file cannot make netprobe allocate more than its header (at most kMaxIdxBodyBytes) allows.
IdxArray decode_idx(const uint8_t* data, size_t size, const std::string& name);

/// Reads an IDX file (decode_idx). A directory, a dangling symlink, a FIFO or another special
/// file is an IdxError naming it, and nothing is opened.
IdxArray read_idx(const std::filesystem::path& path);

/// Serializes an array to IDX bytes (optionally gzip-compressed); used for fixtures and tests.
std::vector<uint8_t> encode_idx(const IdxArray& array, bool gzip);

}  // namespace netprobe::data
