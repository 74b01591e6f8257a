// Fuzzes the whole path of a user's torch.save'd test set through LibTorch's own unpickler: each
// input is the data.pkl of an archive that LibTorch's zip writer completes with valid CRC-32s (so
// mutations reach the pickle walk and the unpickler, not just the CRC check) and one storage
// record. Any input must load or raise an exception; crashes, aborts and allocations beyond
// -rss_limit_mb are findings. LibTorch itself is not instrumented: coverage guides only netprobe's
// side, so seed the corpus with real pickles (tests/fuzz/corpus-pickle).
#include <unistd.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <caffe2/serialize/inline_container.h>

#include "data/tensor_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/netprobe-tensor-fuzz-" + std::to_string(::getpid()) + ".pt";
  static const std::vector<char> storage(4096, '\x01');
  {
    caffe2::serialize::PyTorchStreamWriter writer(path);
    writer.writeRecord("data.pkl", data, size);
    for (const char* name : {"data/0", "data/1"}) writer.writeRecord(name, storage.data(), storage.size());
    writer.writeRecord("version", "3\n", 2);
    writer.writeEndOfFile();
  }
  try {
    netprobe::data::load_tensor_file(path);
  } catch (const std::exception&) {
  }
  return 0;
}
