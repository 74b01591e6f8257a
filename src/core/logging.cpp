#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace netprobe::core {

void init_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("netprobe");
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_default_logger(logger);
  if (verbosity < 0) {
    spdlog::set_level(spdlog::level::warn);
  } else if (verbosity == 0) {
    spdlog::set_level(spdlog::level::info);
  } else if (verbosity == 1) {
    spdlog::set_level(spdlog::level::debug);
  } else {
    spdlog::set_level(spdlog::level::trace);
  }
}

}  // namespace netprobe::core
