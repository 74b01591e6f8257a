#pragma once
/// The one worker pool: items handed out in order from a shared counter to a few threads, the
/// first exception kept and rethrown once every thread has stopped. The study runs its models,
/// the report its gnuplot processes and a TorchScript model its variants through it.
///
///   core::parallel_for(jobs.size(), 2, [&](size_t i, int worker) { results[i] = run(jobs[i], worker); });
#include <cstddef>
#include <functional>

namespace netprobe::core {

/// Calls body(i, worker) once for every i in [0, n), on `workers` threads (worker = 0 ..
/// workers - 1; with one worker, on the calling thread). After an exception no new item starts;
/// the first exception is rethrown when all threads have stopped. With `tick`, the calling thread
/// does not take items but calls tick() about every 100 ms until they are done (a progress bar).
void parallel_for(size_t n, int workers, const std::function<void(size_t index, int worker)>& body,
                  const std::function<void()>& tick = nullptr);

}  // namespace netprobe::core
