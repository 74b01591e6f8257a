// The sweep engine evaluates each distinct probed network once (probes/sweep.cpp). On the weights
// of a trained model (the e2e fixture, MNIST 7 vs 9): the networks it takes to be equal are equal
// tensor for tensor, the study's rows are those of evaluating every network, and the savings are
// the equalities that hold by construction.
#include <set>

#include <gtest/gtest.h>

#include "core/tensor_digest.h"
#include "experiments/classifier_run.h"
#include "probes/binarize.h"
#include "probes/presets.h"
#include "probes/prune.h"
#include "probes/prune_shuffle.h"
#include "probes/registry.h"
#include "probes/shuffle.h"
#include "probes/sweep.h"
#include "tests/support/probe_targets.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

using probes::Mode;
using probes::SweepSpec;

bool same_tensors(const core::NamedTensors& a, const core::NamedTensors& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first || !torch::equal(a[i].second, b[i].second)) return false;
  }
  return true;
}

// The network a draw evaluates in `mode`.
core::NamedTensors network(const SweepSpec& spec, const core::NamedTensors& params, double level, int draw,
                           Mode mode = Mode::kSigned) {
  const probes::ProbeTarget target = testing::target_of(params);
  auto d = probes::make_draw(spec, params, target.select(spec.scope()), level, draw, {"t", 0});
  for (size_t v = 0; v < d.rows.size(); ++v) {
    if (d.rows[v].mode == mode) return d.variants[v];
  }
  ADD_FAILURE() << spec.probe().name << " evaluates no " << probes::to_string(mode) << " network";
  return {};
}

class DistinctNetworksE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto model = testing::shared_e2e_model();
    if (!model) GTEST_SKIP() << "no e2e fixture model (run through ctest)";
    params_ = core::parameters_of(*load_classifier_run(*model).model);
  }
  core::NamedTensors params_;
};

TEST_F(DistinctNetworksE2E, SignPreservingShufflesAndPruneShuffleBEqualTheirSignedCounterparts) {
  // Binarization's own network is sign(w); it has no further signed evaluation.
  const core::NamedTensors binarized = network(SweepSpec(probes::binarize_probe(), "sign"), params_, 0, 0, Mode::kFull);
  for (const std::string variant : {"B", "E", "F"}) {
    for (int draw = 0; draw < 3; ++draw) {
      const auto shuffled = network(SweepSpec(probes::shuffle_probe(), variant), params_, 0, draw);
      EXPECT_TRUE(same_tensors(shuffled, binarized)) << variant << " draw " << draw;
    }
  }
  for (double p : {0.1, 0.5, 0.9, 0.99}) {
    const auto pruned = network(SweepSpec(probes::prune_probe(), "magnitude"), params_, p, 0);
    const auto pruned_shuffled = network(SweepSpec(probes::prune_shuffle_probe(), "B"), params_, p, 0);
    EXPECT_TRUE(same_tensors(pruned, pruned_shuffled)) << p;
  }
  // A shuffle that moves signs (A) is not the binarized network.
  EXPECT_FALSE(same_tensors(network(SweepSpec(probes::shuffle_probe(), "A"), params_, 0, 0), binarized));
}

TEST_F(DistinctNetworksE2E, TheStudyEvaluatesEachDistinctNetworkOnceWithTheSameRows) {
  const std::vector<SweepSpec> specs = probes::study_preset(probes::study_probes(probes::study_probe_names()), 5);
  // An evaluator that keeps what it was given: its results are a function of the network alone
  // (the digest's first word), so rows from shared evaluations can be checked against it.
  std::vector<core::TensorDigest> evaluated;
  const probes::BatchEvaluator evaluate = [&](const std::vector<core::NamedTensors>& batch) {
    std::vector<probes::Evaluation> out;
    for (const auto& v : batch) {
      evaluated.push_back(core::digest_of(v));
      out.push_back({static_cast<double>(evaluated.back().low % 1000003), 0.0});
    }
    return out;
  };
  const auto rows = probes::run_sweeps(testing::target_of(params_), specs, evaluate, {"t", 0, 32});
  ASSERT_EQ(static_cast<int64_t>(rows.size()), probes::count_evaluations(specs));
  std::set<core::TensorDigest> distinct(evaluated.begin(), evaluated.end());
  EXPECT_EQ(distinct.size(), evaluated.size()) << "a network was evaluated twice";

  // Every row's value is its own network's: regenerate each and compare.
  const probes::ProbeTarget target = testing::target_of(params_);
  size_t r = 1, from_construction = 0;
  for (const auto& spec : specs) {
    for (double level : spec.levels()) {
      for (int draw = 0; draw < spec.draws_run(); ++draw) {
        auto d = probes::make_draw(spec, params_, target.select(spec.scope()), level, draw, {"t", 0});
        for (size_t v = 0; v < d.variants.size(); ++v, ++r) {
          ASSERT_LT(r, rows.size());
          EXPECT_EQ(rows[r].value, static_cast<double>(core::digest_of(d.variants[v]).low % 1000003)) << r;
          const bool shuffle_b_e_f = spec.probe().name == "shuffle" && spec.variant() != "A" && spec.variant() != "C" &&
                                     spec.variant() != "D" && spec.variant() != "G";
          const bool prune_shuffle_b = spec.probe().name == "prune-shuffle" && spec.variant() == "B";
          if (d.rows[v].mode == Mode::kSigned && (shuffle_b_e_f || prune_shuffle_b)) ++from_construction;
        }
      }
    }
  }
  // At least the equalities by construction are shared: signed shuffles B, E, F (5 draws each)
  // and signed prune-shuffle B at every level.
  EXPECT_EQ(from_construction, 3u * 5u + probes::prune_probe().default_levels.size() * 5u);
  EXPECT_LE(evaluated.size() + from_construction, rows.size());
}

}  // namespace
}  // namespace netprobe::experiments
