#pragma once
/// Progress on stderr: a one-line bar when stderr is a terminal, otherwise (SLURM, nohup, a pipe)
/// a log line every 10 seconds with the status, the time so far and the time left.
#include <chrono>
#include <cstdint>
#include <string>

namespace netprobe::train {

class ProgressBar {
 public:
  /// `total` units of work (e.g. steps); `enabled` false shows nothing.
  ProgressBar(std::string label, int64_t total, bool enabled);
  ~ProgressBar();
  /// Redraws at most ~10 times a second (logs every 10 s); `status` is free text (epoch, loss).
  void update(int64_t done, const std::string& status);
  void finish();

 private:
  std::string label_;
  int64_t total_;
  bool enabled_;
  bool terminal_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// "1m05s", "12s", "0.4s".
std::string format_duration(double seconds);

}  // namespace netprobe::train
