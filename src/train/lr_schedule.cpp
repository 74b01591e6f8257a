#include "train/lr_schedule.h"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::train {

LrScheduleKind parse_lr_schedule(const std::string& name) {
  if (name == "constant") return LrScheduleKind::kConstant;
  if (name == "cosine") return LrScheduleKind::kCosine;
  throw core::UsageError(fmt::format("--schedule: unknown schedule '{}' (constant, cosine)", name));
}

std::string to_string(LrScheduleKind kind) { return kind == LrScheduleKind::kCosine ? "cosine" : "constant"; }

double lr_at(LrScheduleKind kind, double base, int epoch, int epochs) {
  if (kind == LrScheduleKind::kConstant || epochs <= 0) return base;
  return base * (1.0 + std::cos(M_PI * epoch / epochs)) / 2.0;
}

}  // namespace netprobe::train
