#pragma once
/// A one-line progress bar on stderr, shown only when stderr is a terminal.
#include <chrono>
#include <cstdint>
#include <string>

namespace netprobe::train {

class ProgressBar {
 public:
  /// `total` units of work (e.g. steps); `enabled` false (or stderr not a tty) draws nothing.
  ProgressBar(std::string label, int64_t total, bool enabled);
  ~ProgressBar();
  /// Redraws at most ~10 times a second; `status` is free text (epoch, loss, accuracy).
  void update(int64_t done, const std::string& status);
  void finish();

 private:
  std::string label_;
  int64_t total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// "1m05s", "12s", "0.4s".
std::string format_duration(double seconds);

}  // namespace netprobe::train
