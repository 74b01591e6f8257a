#include "models/overlap_trajectory.h"

#include <algorithm>
#include <cmath>

namespace netprobe::models {

std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const RnnTaskData& task, int64_t rank,
                                             RnnActivation activation, double dt, const GdSchedule& schedule) {
  std::vector<OverlapRecord> records;
  torch::Tensor sigma = sigma0;
  for (int epoch = 0; epoch < schedule.epochs; ++epoch) {
    double loss = 0;
    const torch::Tensor e = overlap_gradient(sigma, task, rank, activation, dt, &loss);
    if (epoch == 0) records.push_back({0, loss, sigma});
    sigma = exact_map_step(sigma, e, schedule.eta);
    if ((epoch + 1) % schedule.track_every == 0 || epoch + 1 == schedule.epochs) {
      records.push_back({epoch + 1, loss, sigma});
    }
  }
  return records;
}

double max_keep_nan(double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b); }

}  // namespace netprobe::models
