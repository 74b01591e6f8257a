#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace netprobe::core {
namespace {

TEST(ParallelTest, EveryItemRunsOnceOnAtMostTheWorkersGiven) {
  for (int workers : {1, 3}) {
    std::vector<std::atomic<int>> runs(100);
    std::vector<std::atomic<int>> by_worker(3);
    parallel_for(runs.size(), workers, [&](size_t i, int w) {
      ++runs[i];
      ++by_worker[static_cast<size_t>(w)];
    });
    for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
    int total = 0;
    for (int w = 0; w < 3; ++w) {
      total += by_worker[static_cast<size_t>(w)].load();
      if (w >= workers) {
        EXPECT_EQ(by_worker[static_cast<size_t>(w)].load(), 0) << w;
      }
    }
    EXPECT_EQ(total, 100);
  }
  parallel_for(0, 4, [](size_t, int) { FAIL(); });  // nothing to do
}

TEST(ParallelTest, OneWorkerRunsOnTheCallingThreadInOrder) {
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<size_t> order;
  parallel_for(5, 1, [&](size_t i, int) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

TEST(ParallelTest, TheFirstExceptionStopsNewItemsAndIsRethrown) {
  std::atomic<int> started{0};
  EXPECT_THROW(parallel_for(1000, 2,
                            [&](size_t i, int) {
                              ++started;
                              if (i == 3) throw std::runtime_error("item 3");
                              std::this_thread::sleep_for(std::chrono::milliseconds(1));
                            }),
               std::runtime_error);
  EXPECT_LT(started.load(), 20);  // the other worker starts at most the item it was handed meanwhile
}

TEST(ParallelTest, WithATickTheCallerWatchesWhileWorkersRun) {
  std::atomic<int> ticks{0};
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> on_caller{false};
  parallel_for(
      2, 2,
      [&](size_t, int) {
        if (std::this_thread::get_id() == caller) on_caller = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      },
      [&] { ++ticks; });
  EXPECT_FALSE(on_caller.load());
  EXPECT_GE(ticks.load(), 1);
}

}  // namespace
}  // namespace netprobe::core
