#pragma once
/// Build identity recorded in every run's meta.json.
#include <string>

namespace netprobe::core {

std::string version();        ///< netprobe version, e.g. "0.1.0"
std::string git_revision();   ///< short git revision at configure time, or "unknown"
std::string torch_version();  ///< LibTorch version, e.g. "1.13.0"

}  // namespace netprobe::core
