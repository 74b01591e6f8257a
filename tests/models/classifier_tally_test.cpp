#include "models/classifier_tally.h"

#include <cmath>

#include <gtest/gtest.h>

namespace netprobe::models {
namespace {

TEST(ClassifierTallyTest, AccuracyTopFiveMacroF1AndPairedCounts) {
  // 6 examples of 6 classes; the scores rank the label first for examples 0-3, sixth for 4, second for 5.
  const torch::Tensor labels = torch::tensor({0, 1, 2, 3, 4, 5}, torch::kLong);
  torch::Tensor scores = torch::zeros({6, 6});
  for (int64_t i = 0; i < 4; ++i) scores[i][i] = 1;
  scores[4] = torch::tensor({5.f, 4.f, 3.f, 2.f, 1.f, 0.f});  // label 4 ranked 5th: within the top five
  scores[5] = torch::tensor({0.f, 0.f, 0.f, 0.f, 0.f, 0.f});
  scores[5][5] = 1;
  scores[5][0] = 2;  // label 5 second
  const ReferenceCorrect reference{torch::tensor({true, true, false, false, true, true}),
                                   torch::ones({6}, torch::kBool)};
  ClassifierTally tally(6, {true, true}, &reference);
  tally.add(scores.narrow(0, 0, 3), labels.narrow(0, 0, 3), 0);  // in two batches
  tally.add(scores.narrow(0, 3, 3), labels.narrow(0, 3, 3), 3);
  const train::ClassifierMetrics m = tally.metrics(3.0);
  EXPECT_EQ(m.examples, 6);
  EXPECT_DOUBLE_EQ(m.accuracy, 100.0 * 4 / 6);
  EXPECT_DOUBLE_EQ(m.top5, 100.0 * 6 / 6);
  EXPECT_DOUBLE_EQ(m.loss, 0.5);
  // Top-1 right: 0, 1, 2, 3. The reference had 0, 1, 4, 5 right: lost 4 and 5, gained 2 and 3.
  EXPECT_EQ(m.lost, 2);
  EXPECT_EQ(m.gained, 2);
  EXPECT_EQ(m.lost_top5, 0);
  // Predictions 0, 1, 2, 3, 0, 0: F1 of class 0 = 2 / (3 + 1) = 0.5; classes 1-3: 1; 4 and 5: 0.
  EXPECT_NEAR(m.macro_f1, 100.0 * (0.5 + 3) / 6, 1e-12);
}

TEST(ClassifierTallyTest, NonFiniteScoresAreWrongAndNeverArgmaxed) {
  torch::Tensor scores = torch::tensor({{1.f, 0.f}, {NAN, 0.f}, {0.f, INFINITY}});
  const torch::Tensor labels = torch::tensor({0, 0, 1}, torch::kLong);
  ClassifierTally tally(2, {false, true});
  tally.add(scores, labels, 0);
  const auto m = tally.metrics(0);
  EXPECT_EQ(m.nonfinite, 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 100.0 / 3);  // argmax of [nan, 0] would be 0: counted wrong instead
  EXPECT_TRUE(std::isnan(m.top5));          // not asked for
  const ReferenceCorrect c = ClassifierTally::correct_of(scores, labels);
  EXPECT_TRUE(c.top1.equal(torch::tensor({true, false, false})));
}

}  // namespace
}  // namespace netprobe::models
