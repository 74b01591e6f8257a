#include "core/runtime.h"

#include <malloc.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/errors.h"

namespace netprobe::core {

void ensure_passive_omp_wait(int /*argc*/, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);
  // execv only returns on failure; carry on with the default policy rather than abort.
}

void tune_allocator() {
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum on 64-bit
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

void check_memory(double bytes, const std::string& what) {
  const double available = physical_memory_bytes();
  if (available > 0 && bytes > available) {
    throw UsageError(
        fmt::format("{} needs {:.1f} GB of memory, this machine has {:.1f} GB", what, bytes / 1e9, available / 1e9));
  }
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int max_threads() { return kMaxThreadsPerCore * available_cores(); }

int configure_threads(int requested) {
  if (requested < 0) throw UsageError(fmt::format("--threads: must be >= 0 (0 = all cores), got {}", requested));
  if (requested > max_threads()) {
    throw UsageError(fmt::format("--threads: at most {} on this machine ({} x {} cores), got {}", max_threads(),
                                 kMaxThreadsPerCore, available_cores(), requested));
  }
  const int n = requested == 0 ? available_cores() : requested;
  torch::set_num_threads(n);
  return n;
}

}  // namespace netprobe::core
