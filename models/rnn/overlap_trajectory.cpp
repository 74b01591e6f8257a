#include "models/rnn/overlap_trajectory.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::models {

Integrator parse_integrator(const std::string& name) {
  if (name == "map") return Integrator::kMap;
  if (name == "euler") return Integrator::kEuler;
  if (name == "rk4") return Integrator::kRk4;
  throw core::UsageError(fmt::format("--integrator: must be map, euler or rk4, got '{}'", name));
}

std::string to_string(Integrator integrator) {
  switch (integrator) {
    case Integrator::kMap: return "map";
    case Integrator::kEuler: return "euler";
    case Integrator::kRk4: return "rk4";
  }
  return "map";
}

std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const RnnTaskData& task,
                                             const RnnDynamics& dynamics, const GdSchedule& schedule,
                                             Integrator integrator) {
  return theory_trajectory(
      sigma0, [&](int) -> const RnnTaskData& { return task; }, dynamics, schedule, integrator);
}

std::vector<OverlapRecord> theory_trajectory(const torch::Tensor& sigma0, const TaskOfEpoch& task_of_epoch,
                                             const RnnDynamics& dynamics, const GdSchedule& schedule,
                                             Integrator integrator) {
  // Record k: the overlaps after k steps and the loss at those overlaps (on epoch k's trials), as
  // the trainer records them; the loss at the last overlaps costs one more gradient.
  std::vector<OverlapRecord> records;
  torch::Tensor sigma = sigma0;
  for (int epoch = 0; epoch <= schedule.epochs; ++epoch) {
    const RnnTaskData& task = task_of_epoch(epoch);
    double loss = 0;
    const torch::Tensor e = overlap_gradient(sigma, task, dynamics, &loss);
    if (epoch == 0 || epoch % schedule.track_every == 0 || epoch == schedule.epochs) {
      records.push_back({epoch, loss, sigma});
    }
    if (epoch == schedule.epochs) break;
    if (integrator == Integrator::kMap) {
      sigma = exact_map_step(sigma, e, schedule.eta);
    } else {
      sigma = flow_step(sigma, e, task, dynamics, schedule.eta, 1.0,
                        integrator == Integrator::kEuler ? FlowMethod::kEuler : FlowMethod::kRk4);
    }
  }
  return records;
}

double max_keep_nan(double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b); }

core::Json overlap_matrix_to_json(const torch::Tensor& sigma) {
  const torch::Tensor s = sigma.to(torch::kFloat64).contiguous();
  std::vector<std::vector<double>> rows(static_cast<size_t>(s.size(0)));
  for (int64_t a = 0; a < s.size(0); ++a) {
    for (int64_t b = 0; b < s.size(1); ++b) rows[static_cast<size_t>(a)].push_back(s[a][b].item<double>());
  }
  return rows;
}

torch::Tensor overlap_matrix_from_json(const core::Json& json) {
  const auto rows = json.get<std::vector<std::vector<double>>>();
  const auto k = static_cast<int64_t>(rows.size());
  torch::Tensor s = torch::empty({k, k}, torch::kFloat64);
  for (int64_t a = 0; a < k; ++a) {
    const auto& row = rows[static_cast<size_t>(a)];
    if (static_cast<int64_t>(row.size()) != k) throw core::Error("sigma is not a square matrix");
    for (int64_t b = 0; b < k; ++b) s[a][b] = row[static_cast<size_t>(b)];
  }
  return s;
}

void to_json(core::Json& json, const OverlapRecord& record) {
  json = {{"epoch", record.epoch}, {"loss", record.loss}, {"sigma", overlap_matrix_to_json(record.sigma)}};
}

void from_json(const core::Json& json, OverlapRecord& record) {
  core::read_field(json, "epoch", record.epoch);
  core::read_field(json, "loss", record.loss);
  record.sigma = overlap_matrix_from_json(json.at("sigma"));
}

}  // namespace netprobe::models
