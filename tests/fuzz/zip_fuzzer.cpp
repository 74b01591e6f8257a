// Fuzzes the zip CRC check that guards every user archive (model.pt, test.pt) before LibTorch reads
// it: any input must either pass or raise core::Error; crashes, leaks, UB, reads past the input and
// allocations beyond it (-rss_limit_mb) are findings. The check reads a path, so each input is
// written to one scratch file first.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/errors.h"
#include "core/zip_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/netprobe-zip-fuzz-" + std::to_string(::getpid()) + ".zip";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    netprobe::core::check_zip_crcs(path);
  } catch (const netprobe::core::Error&) {
  }
  return 0;
}
