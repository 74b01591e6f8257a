#include "experiments/rnn/history_decoder.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/seeding.h"

namespace netprobe::experiments {
namespace {

constexpr int kMaxNewtonSteps = 100;
constexpr double kStepTolerance = 1e-10;

torch::Tensor with_bias(const torch::Tensor& z) { return torch::cat({z, torch::ones({z.size(0), 1}, z.options())}, 1); }

}  // namespace

torch::Tensor LogisticModel::predict(const torch::Tensor& x) const {
  return torch::sigmoid(with_bias((x - mean) / scale).matmul(weights));
}

LogisticModel fit_logistic(const torch::Tensor& x, const torch::Tensor& y, double ridge) {
  LogisticModel m;
  m.mean = x.mean(0);
  m.scale = x.std(0, /*unbiased=*/false);
  m.scale = torch::where(m.scale > 0, m.scale, torch::ones_like(m.scale));
  const torch::Tensor z = with_bias((x - m.mean) / m.scale);
  const int64_t d = z.size(1);
  const auto n = static_cast<double>(z.size(0));
  torch::Tensor penalty = torch::full({d}, ridge, z.options());
  penalty[d - 1] = 1e-9;  // the bias is not shrunk; the tiny term keeps the Hessian invertible
  m.weights = torch::zeros({d}, z.options());
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    const torch::Tensor p = torch::sigmoid(z.matmul(m.weights));
    const torch::Tensor gradient = z.t().matmul(p - y) / n + penalty * m.weights;
    const torch::Tensor hessian = (z.t() * (p * (1 - p))).matmul(z) / n + torch::diag(penalty);
    const torch::Tensor delta = torch::linalg_solve(hessian, gradient);
    m.weights = m.weights - delta;
    if (delta.abs().max().item<double>() < kStepTolerance) break;
  }
  return m;
}

double grouped_cv_accuracy(const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups,
                           int folds, double ridge) {
  const int64_t n = x.size(0);
  if (static_cast<int64_t>(groups.size()) != n || y.size(0) != n) {
    throw core::Error(fmt::format("decoder: {} samples, {} labels, {} groups", n, y.size(0), groups.size()));
  }
  int64_t correct = 0;
  for (int f = 0; f < folds; ++f) {
    std::vector<int64_t> train, test;
    for (int64_t i = 0; i < n; ++i) (groups[static_cast<size_t>(i)] % folds == f ? test : train).push_back(i);
    if (test.empty()) continue;
    const torch::Tensor train_index = torch::tensor(train), test_index = torch::tensor(test);
    const torch::Tensor y_train = y.index_select(0, train_index);
    const double positives = y_train.sum().item<double>();
    if (positives == 0 || positives == static_cast<double>(train.size())) {
      throw core::Error(fmt::format("decoder: fold {} trains on one label only; use more pairs or fewer folds", f));
    }
    const LogisticModel model = fit_logistic(x.index_select(0, train_index), y_train, ridge);
    const torch::Tensor predicted = (model.predict(x.index_select(0, test_index)) > 0.5).to(y.dtype());
    correct += predicted.eq(y.index_select(0, test_index)).sum().item<int64_t>();
  }
  return static_cast<double>(correct) / static_cast<double>(n);
}

double random_split_accuracy(const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups,
                             const RandomSplitProtocol& protocol, uint64_t seed) {
  const int64_t n = x.size(0);
  if (static_cast<int64_t>(groups.size()) != n || y.size(0) != n) {
    throw core::Error(fmt::format("decoder: {} samples, {} labels, {} groups", n, y.size(0), groups.size()));
  }
  std::vector<int64_t> distinct(groups);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const auto group_count = static_cast<int64_t>(distinct.size());
  if (protocol.test_groups < 1 || protocol.test_groups >= group_count) {
    throw core::Error(fmt::format("decoder: cannot hold out {} of {} pairs", protocol.test_groups, group_count));
  }
  at::Generator gen = core::make_generator(seed);
  double accuracy = 0;
  int scored = 0;
  for (int s = 0; s < protocol.splits; ++s) {
    const torch::Tensor order = torch::randperm(group_count, gen, torch::kLong);
    std::vector<bool> held(static_cast<size_t>(group_count), false);
    for (int64_t i = 0; i < protocol.test_groups; ++i) held[static_cast<size_t>(order[i].item<int64_t>())] = true;
    std::vector<int64_t> train, test;
    for (int64_t i = 0; i < n; ++i) {
      const auto g =
          std::lower_bound(distinct.begin(), distinct.end(), groups[static_cast<size_t>(i)]) - distinct.begin();
      (held[static_cast<size_t>(g)] ? test : train).push_back(i);
    }
    const torch::Tensor train_index = torch::tensor(train), test_index = torch::tensor(test);
    const torch::Tensor y_train = y.index_select(0, train_index);
    const double positives = y_train.sum().item<double>();
    if (positives == 0 || positives == static_cast<double>(train.size())) continue;  // one label: not scorable
    const torch::Tensor x_train = x.index_select(0, train_index);
    const torch::Tensor mean = x_train.mean(0), sd = x_train.std(0);
    const torch::Tensor scale = torch::where(sd > 0, sd, torch::ones_like(sd));
    const auto noisy = [&](const torch::Tensor& rows) {
      const torch::Tensor standardized = (rows - mean) / scale;
      return standardized + protocol.feature_noise * torch::randn(standardized.sizes(), gen, standardized.options());
    };
    const LogisticModel model = fit_logistic(noisy(x_train), y_train, protocol.ridge);
    const torch::Tensor predicted = (model.predict(noisy(x.index_select(0, test_index))) > 0.5).to(y.dtype());
    accuracy += predicted.eq(y.index_select(0, test_index)).to(torch::kFloat64).mean().item<double>();
    ++scored;
  }
  if (scored == 0) throw core::Error("decoder: no split had both labels in its training part");
  return accuracy / scored;
}

}  // namespace netprobe::experiments
