#pragma once
/// Logging to stderr through spdlog; data never goes through the logger.
namespace netprobe::core {

/// verbosity: -1 quiet (warnings and errors), 0 info, 1 debug, 2+ trace.
void init_logging(int verbosity);

}  // namespace netprobe::core
