#pragma once
/// A linear decoder of a binary label from a few features: ridge-regularized logistic regression,
/// fit by Newton's method (IRLS; the problems here have tens of samples and at most tens of
/// features), scored by grouped k-fold cross-validation so that samples of one group (the two twins
/// of a pair) are never split between training and test.
///
///   double acc = grouped_cv_accuracy(x, y, groups, 4, 1e-2);   // held-out accuracy in [0, 1]
///   double authors = random_split_accuracy(x, y, groups, {}, seed);  // 8/2 pairs, 50 splits, noise 0.3
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace netprobe::experiments {

/// Weights [d + 1] (bias last) of a logistic regression of y (0/1, [n]) on x ([n, d], float64),
/// features standardized inside (mean 0, sd 1 over x; constant features get sd 1), penalty
/// ridge * |w|^2 / 2 on the weights (not the bias). Returns the weights on standardized features
/// with the standardization: predict() applies both.
struct LogisticModel {
  torch::Tensor mean, scale, weights;
  /// P(y = 1 | x) for rows of x [m, d].
  torch::Tensor predict(const torch::Tensor& x) const;
};
LogisticModel fit_logistic(const torch::Tensor& x, const torch::Tensor& y, double ridge);

/// Fraction of samples whose held-out prediction (p > 0.5) is their label; fold of a sample =
/// its group modulo `folds`. Every fold must hold both labels in its training part.
double grouped_cv_accuracy(const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups,
                           int folds, double ridge);

/// The authors' protocol: `splits` random splits that hold out `test_groups` whole groups (pairs)
/// and train on the rest; features standardized on the training part, then N(0, feature_noise^2)
/// added to every standardized feature (training and test) so that tiny differences cannot
/// separate the classes alone. Returns the mean held-out accuracy over the splits; seeded.
struct RandomSplitProtocol {
  int test_groups = 2;
  int splits = 50;
  double feature_noise = 0.3;
  double ridge = 1e-2;
};
double random_split_accuracy(const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups,
                             const RandomSplitProtocol& protocol, uint64_t seed);

}  // namespace netprobe::experiments
