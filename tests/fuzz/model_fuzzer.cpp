// Fuzzes a user's TorchScript model path through LibTorch's unpickler: each input is the
// data.pkl of a copy of the model named by NETPROBE_FUZZ_MODEL (its code and tensors kept),
// written by LibTorch's zip writer so the checksums are valid. ScriptClassifier::load must load
// it or raise an exception; crashes, aborts and allocations beyond -rss_limit_mb are findings.
//   NETPROBE_FUZZ_MODEL=model.pt build-fuzz/model_fuzzer -rss_limit_mb=2048 corpus/
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include <caffe2/serialize/inline_container.h>

#include "models/script_classifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* model = std::getenv("NETPROBE_FUZZ_MODEL");
  if (model == nullptr) {
    std::fprintf(stderr, "set NETPROBE_FUZZ_MODEL to a TorchScript model.pt\n");
    std::abort();
  }
  static caffe2::serialize::PyTorchStreamReader reader{std::string(model)};
  static const std::string path = "/tmp/netprobe-model-fuzz-" + std::to_string(::getpid()) + ".pt";
  {
    caffe2::serialize::PyTorchStreamWriter writer(path);
    for (const std::string& name : reader.getAllRecords()) {
      if (name == "data.pkl") {
        writer.writeRecord(name, data, size);
        continue;
      }
      auto [bytes, length] = reader.getRecord(name);
      writer.writeRecord(name, bytes.get(), length);
    }
    writer.writeEndOfFile();
  }
  try {
    netprobe::models::ScriptClassifier::load(path);
  } catch (const std::exception&) {
  }
  return 0;
}
