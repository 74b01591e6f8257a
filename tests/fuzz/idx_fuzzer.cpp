// Fuzzes the IDX decoder (raw and gzip): any input must either decode into an array whose body
// size matches its dimensions, or raise IdxError. Crashes, leaks, UB and an allocation beyond the
// header's bound (libFuzzer's -rss_limit_mb) are findings.
#include <cstdint>
#include <cstdlib>

#include "data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netprobe::data;
  try {
    const IdxArray a = decode_idx(data, size, "fuzz");
    // Overflow-checked, so the check itself cannot wrap: a decoded array's size always fits.
    size_t bytes = idx_element_size(a.type);
    for (uint32_t d : a.dims) {
      if (__builtin_mul_overflow(bytes, size_t{d}, &bytes)) std::abort();
    }
    if (a.body.size() != bytes || bytes > kMaxIdxBodyBytes) std::abort();
    // Re-encoding must reproduce a parseable file with the same content.
    const auto encoded = encode_idx(a, false);
    const IdxArray b = parse_idx(encoded.data(), encoded.size(), "fuzz");
    if (b.dims != a.dims || b.body != a.body) std::abort();
  } catch (const IdxError&) {
  }
  return 0;
}
