#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace netprobe::core {

void parallel_for(size_t n, int workers, const std::function<void(size_t, int)>& body,
                  const std::function<void()>& tick) {
  workers = static_cast<int>(std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(std::max(workers, 1)), n)));
  std::atomic<size_t> next{0};
  std::atomic<int> running{workers};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&](int worker) {
    try {
      for (size_t i = next++; i < n; i = next++) body(i, worker);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n;  // no new item starts
    }
    --running;
  };
  std::vector<std::thread> pool;
  const int first_on_pool = tick ? 0 : 1;  // without a tick, the calling thread is worker 0
  for (int w = first_on_pool; w < workers; ++w) pool.emplace_back(work, w);
  if (tick) {
    while (running.load() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      tick();
    }
  } else {
    work(0);
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace netprobe::core
