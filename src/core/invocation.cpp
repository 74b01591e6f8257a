#include "core/invocation.h"

#include <mutex>

#include "core/atomic_file.h"

namespace netprobe::core {
namespace {

std::mutex& invocation_mutex() {
  static std::mutex m;
  return m;
}

Json& recorded() {
  static Json j = Json::object();
  return j;
}

}  // namespace

void record_invocation(int argc, char** argv) {
  Json j = {{"argv", std::vector<std::string>(argv, argv + argc)}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string file;
    if (arg == "--config" && i + 1 < argc) file = argv[i + 1];
    if (arg.rfind("--config=", 0) == 0) file = arg.substr(9);
    if (file.empty()) continue;
    j["config_file"] = file;
    try {
      j["config"] = read_file(file);
    } catch (const std::exception&) {
      j["config"] = nullptr;  // recorded as unreadable; the parser reports the error itself
    }
  }
  const std::lock_guard<std::mutex> lock(invocation_mutex());
  recorded() = j;
}

Json invocation_json() {
  const std::lock_guard<std::mutex> lock(invocation_mutex());
  return recorded();
}

}  // namespace netprobe::core
