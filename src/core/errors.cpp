#include "core/errors.h"

namespace netprobe::core {

std::string first_line(const std::string& message) { return message.substr(0, message.find('\n')); }

int exit_code_for(const std::exception& e) { return dynamic_cast<const UsageError*>(&e) != nullptr ? 2 : 1; }

}  // namespace netprobe::core
