// The PROBES.md protocol on the real data: median test accuracy over 5 seeds (label e2e).
#include <algorithm>

#include <gtest/gtest.h>

#include "core/runtime.h"
#include "experiments/classifier_run.h"
#include "train/classification.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {

using models::Mlp;
namespace {

double median_test_accuracy(const std::string& dataset, std::vector<int> classes) {
  const data::Task task = data::load_task(data::TaskSpec{dataset, classes}, testing::repo_root() / "data");
  std::vector<double> accs;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    ClassifierRunConfig config;
    config.task = task.spec;
    config.seed = seed;
    Mlp model = train_classifier(config, task, false);
    accs.push_back(
        train::evaluate_classifier([&](const torch::Tensor& x) { return model->forward(x); }, task.test_x, task.test_y)
            .accuracy);
  }
  std::sort(accs.begin(), accs.end());
  std::cout << task.spec.id() << " test accuracy over 5 seeds: " << accs[0] << " .. " << accs[4] << ", median "
            << accs[2] << "\n";
  return accs[2];
}

class ProtocolAccuracyE2E : public ::testing::Test {
 protected:
  void SetUp() override { core::configure_threads(1); }
};

TEST_F(ProtocolAccuracyE2E, Mnist0v7) { EXPECT_GE(median_test_accuracy("mnist", {0, 7}), 99.3); }
TEST_F(ProtocolAccuracyE2E, Mnist7v9) { EXPECT_GE(median_test_accuracy("mnist", {7, 9}), 98.3); }
TEST_F(ProtocolAccuracyE2E, Fashion3v2) { EXPECT_GE(median_test_accuracy("fashion-mnist", {3, 2}), 97.0); }
TEST_F(ProtocolAccuracyE2E, Fashion3v1) { EXPECT_GE(median_test_accuracy("fashion-mnist", {3, 1}), 97.5); }

}  // namespace
}  // namespace netprobe::experiments
