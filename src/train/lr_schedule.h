#pragma once
/// Learning-rate schedules, stepped once per epoch.
#include <string>

namespace netprobe::train {

enum class LrScheduleKind { kConstant, kCosine };

/// Parses "constant" or "cosine"; UsageError otherwise.
LrScheduleKind parse_lr_schedule(const std::string& name);
std::string to_string(LrScheduleKind kind);

/// Learning rate used during epoch `epoch` (0-based) of `epochs`. Cosine annealing as PyTorch's
/// CosineAnnealingLR with T_max = epochs and eta_min = 0: base * (1 + cos(pi * epoch / epochs)) / 2.
double lr_at(LrScheduleKind kind, double base, int epoch, int epochs);

}  // namespace netprobe::train
