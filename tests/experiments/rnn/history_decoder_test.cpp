// The logistic-regression decoder of `rnn decode`: its fit is the optimum of its objective, and its
// grouped cross-validation finds a signal that is there and not one that is not.
#include "experiments/rnn/history_decoder.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/seeding.h"

namespace netprobe::experiments {
namespace {

struct Samples {
  torch::Tensor x, y;
  std::vector<int64_t> groups;
};

// n pairs, one sample of each label per pair; feature 0 carries the label (shifted by `signal`),
// the others are noise.
Samples twin_samples(int64_t pairs, int64_t features, double signal, uint64_t seed) {
  at::Generator gen = core::make_generator(seed);
  Samples s;
  s.x = torch::randn({2 * pairs, features}, gen, torch::kFloat64);
  s.y = torch::arange(2 * pairs, torch::kFloat64).remainder(2);
  s.x.select(1, 0).add_(signal * s.y);
  for (int64_t i = 0; i < 2 * pairs; ++i) s.groups.push_back(i / 2);
  return s;
}

TEST(HistoryDecoderTest, TheFitIsTheOptimumOfThePenalizedLikelihood) {
  const Samples s = twin_samples(20, 3, 1.0, 1);
  const double ridge = 0.05;
  const LogisticModel m = fit_logistic(s.x, s.y, ridge);
  // The gradient of mean log-loss + ridge |w|^2 / 2 (bias unpenalized) vanishes at the fit.
  const torch::Tensor z = torch::cat({(s.x - m.mean) / m.scale, torch::ones({s.x.size(0), 1}, torch::kFloat64)}, 1);
  const torch::Tensor p = torch::sigmoid(z.matmul(m.weights));
  torch::Tensor gradient = z.t().matmul(p - s.y) / static_cast<double>(s.x.size(0));
  gradient.narrow(0, 0, 3).add_(ridge * m.weights.narrow(0, 0, 3));
  EXPECT_LT(gradient.abs().max().item<double>(), 1e-8);
  EXPECT_GT(m.weights[0].item<double>(), 0);  // the informative feature pushes towards label 1
  EXPECT_EQ(m.predict(s.x).sizes(), torch::IntArrayRef({40}));
}

TEST(HistoryDecoderTest, HeldOutAccuracyFindsASignalThatIsThereAndNotOneThatIsNot) {
  const Samples clear = twin_samples(16, 4, 8.0, 2);
  EXPECT_EQ(grouped_cv_accuracy(clear.x, clear.y, clear.groups, 4, 1e-2), 1.0);
  double noise = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const Samples none = twin_samples(16, 4, 0.0, 100 + seed);
    noise += grouped_cv_accuracy(none.x, none.y, none.groups, 4, 1e-2) / 10;
  }
  EXPECT_GT(noise, 0.35);
  EXPECT_LT(noise, 0.65);
  // Separable data stay finite under the ridge penalty.
  const LogisticModel m = fit_logistic(clear.x, clear.y, 1e-2);
  EXPECT_TRUE(torch::isfinite(m.weights).all().item<bool>());
}

TEST(HistoryDecoderTest, AFoldWhoseTrainingHasOneLabelIsAnError) {
  Samples s = twin_samples(4, 2, 1.0, 3);
  s.y = torch::tensor({0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0}, torch::kFloat64);
  // Folds by pair modulo 2: fold 1 (pairs 1, 3) trains on pairs 0, 2 = labels 0, 0, 0, 0.
  EXPECT_THROW(grouped_cv_accuracy(s.x, s.y, s.groups, 2, 1e-2), core::Error);
}

TEST(HistoryDecoderTest, TheAuthorsRandomPairSplitsFindASignalThatIsThereAndNotOneThatIsNot) {
  const Samples clear = twin_samples(10, 4, 8.0, 2);
  RandomSplitProtocol exact;
  exact.feature_noise = 0;
  EXPECT_EQ(random_split_accuracy(clear.x, clear.y, clear.groups, exact, 1), 1.0);
  const RandomSplitProtocol authors;  // 2 of 10 pairs held out, 50 splits, noise 0.3 on standardized features
  EXPECT_EQ(authors.test_groups, 2);
  EXPECT_EQ(authors.splits, 50);
  EXPECT_EQ(authors.feature_noise, 0.3);
  // The noise costs a little on a clear signal: the classes sit ~2 standardized units apart.
  const double noisy = random_split_accuracy(clear.x, clear.y, clear.groups, authors, 1);
  EXPECT_GE(noisy, 0.9);
  EXPECT_LT(noisy, 1.0);
  double noise = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const Samples none = twin_samples(10, 4, 0.0, 100 + seed);
    noise += random_split_accuracy(none.x, none.y, none.groups, authors, seed) / 10;
  }
  EXPECT_GT(noise, 0.35);
  EXPECT_LT(noise, 0.65);
  // Seeded; one split scores the 4 networks of its 2 held-out pairs.
  const Samples weak = twin_samples(10, 4, 1.0, 5);
  EXPECT_EQ(random_split_accuracy(weak.x, weak.y, weak.groups, authors, 7),
            random_split_accuracy(weak.x, weak.y, weak.groups, authors, 7));
  RandomSplitProtocol one = authors;
  one.splits = 1;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const double a = random_split_accuracy(weak.x, weak.y, weak.groups, one, seed);
    EXPECT_DOUBLE_EQ(a * 4, std::round(a * 4)) << seed;
  }
  RandomSplitProtocol too_many = authors;
  too_many.test_groups = 10;
  EXPECT_THROW(random_split_accuracy(weak.x, weak.y, weak.groups, too_many, 1), core::Error);
}

}  // namespace
}  // namespace netprobe::experiments
