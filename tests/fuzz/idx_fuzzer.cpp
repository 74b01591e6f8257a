// Fuzzes the IDX parser and the gzip path: any input must either parse into an array whose body
// size matches its dimensions, or raise IdxError. Crashes, leaks and UB are findings.
#include <cstdint>
#include <cstdlib>

#include "src/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netprobe::data;
  try {
    IdxArray a;
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
      const auto inflated = gunzip(data, size, "fuzz");
      a = parse_idx(inflated.data(), inflated.size(), "fuzz");
    } else {
      a = parse_idx(data, size, "fuzz");
    }
    if (a.body.size() != a.element_count() * idx_element_size(a.type)) std::abort();
    // Re-encoding must reproduce a parseable file with the same content.
    const auto bytes = encode_idx(a, false);
    const IdxArray b = parse_idx(bytes.data(), bytes.size(), "fuzz");
    if (b.dims != a.dims || b.body != a.body) std::abort();
  } catch (const IdxError&) {
  }
  return 0;
}
