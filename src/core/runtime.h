#pragma once
/// Process-wide runtime settings: OpenMP wait policy, LibTorch thread counts, memory limits.
#include <string>

namespace netprobe::core {

/// On a busy 2-core machine, OpenMP threads that spin while waiting slowed training 40-100x.
/// libgomp reads OMP_WAIT_POLICY only when it loads, before main() runs, so if the variable is
/// unset this sets it to PASSIVE and re-executes the program once. Returns normally when the
/// policy is already set (by us or by the user, whose choice wins) or re-execution failed.
void ensure_passive_omp_wait(int argc, char** argv);

/// Keeps freed large blocks (up to 32 MiB) in the heap instead of returning them to the OS:
/// the batched evaluations allocate and free 16 MiB activations per chunk, and re-faulting
/// those pages cost more than the arithmetic. Call once at start-up.
void tune_allocator();

/// Physical memory of this machine in bytes.
double physical_memory_bytes();

/// Refuses (UsageError) work whose estimated memory exceeds the machine's physical memory, before
/// anything is allocated: "`what` needs 3136.0 GB of memory, this machine has 23.4 GB". `bytes` is
/// a double so that absurd sizes cannot overflow on the way here.
void check_memory(double bytes, const std::string& what);

/// Number of cores available to this process.
int available_cores();

/// More threads than this many per core only add contention (and thousands hang the process).
inline constexpr int kMaxThreadsPerCore = 4;
int max_threads();

/// Sets LibTorch's intra-op (and OpenMP) threads; 0 means all available cores.
/// Returns the number applied. Throws UsageError for a negative count or more than max_threads().
int configure_threads(int requested);

}  // namespace netprobe::core
