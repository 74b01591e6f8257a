// Fuzzes the pickle walk that runs before LibTorch's unpickler: any input must pass or raise
// core::Error; crashes, UB and reads past the input are findings.
#include <cstdint>
#include <string_view>

#include "core/errors.h"
#include "core/pickle_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    netprobe::core::check_pickle(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.pkl");
  } catch (const netprobe::core::Error&) {
  }
  return 0;
}
