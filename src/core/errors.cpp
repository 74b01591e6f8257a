#include "src/core/errors.h"

namespace netprobe::core {

int exit_code_for(const std::exception& e) { return dynamic_cast<const UsageError*>(&e) != nullptr ? 2 : 1; }

}  // namespace netprobe::core
