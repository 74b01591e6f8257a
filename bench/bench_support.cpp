#include "bench/bench_support.h"

#include <chrono>

namespace netprobe::bench {

double measure_sgemm_gflops(int64_t n) {
  const auto a = torch::randn({n, n}), b = torch::randn({n, n});
  auto c = torch::empty({n, n});
  torch::mm_out(c, a, b);  // warm-up
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    torch::mm_out(c, a, b);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * static_cast<double>(n * n * n) / s / 1e9);
  }
  return best;
}

data::Task load_bench_task(const std::string& dataset, std::vector<int> classes) {
  return data::load_task(data::TaskSpec{dataset, std::move(classes)}, std::nullopt);
}

}  // namespace netprobe::bench
