#pragma once
/// Shared pieces of the benchmarks: this machine's measured sgemm throughput (the FLOP limit
/// every benchmark reports against) and the real task data.
#include <string>

#include "data/task.h"

namespace netprobe::bench {

/// GFLOP/s of a float32 n x n matmul on the current thread count (best of several runs).
double measure_sgemm_gflops(int64_t n = 2048);

/// The task from the repository's data/ (or $NETPROBE_DATA).
data::Task load_bench_task(const std::string& dataset, std::vector<int> classes);

}  // namespace netprobe::bench
