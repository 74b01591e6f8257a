// Probes on a low-rank RNN: the metric, the scopes, and what binarizing the vectors does.
#include "experiments/rnn/probe.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/json_io.h"
#include "core/run_dir.h"
#include "core/seeding.h"
#include "probes/binarize.h"
#include "probes/presets.h"
#include "tests/support/probe_targets.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {

using probes::Scope;
namespace {

RnnRunConfig small_run() {
  RnnRunConfig c;
  c.n = 120;
  c.steps = 100;
  c.dt = 0.1;
  c.epochs = 400;
  c.eta = 0.01;
  return c;
}

TEST(RnnProbes, ExplainedVarianceOfTrainedRandomAndSilentNetworks) {
  const RnnRunConfig config = small_run();
  models::LowRankRnn rnn(config.rnn_options());
  const auto records = train_rnn(config, rnn, false);
  const models::RnnTaskData task = config.task_data();
  const auto evaluate = rnn_evaluator(config, task);
  core::NamedTensors silent = core::parameters_of(*rnn);
  for (auto& [name, value] : silent) {
    if (name == "z") value = torch::zeros_like(value);  // no readout: y = 0
  }
  const auto metrics = evaluate({core::parameters_of(*rnn), silent});
  const double l0 = models::rnn_loss(torch::zeros_like(task.targets), task).item<double>();
  EXPECT_NEAR(metrics[0].loss, models::rnn_loss(rnn->forward(task.inputs), task).item<double>(), 1e-14);
  EXPECT_NEAR(metrics[0].value, 100 * (1 - metrics[0].loss / l0), 1e-12);
  EXPECT_GT(metrics[0].value, 99.9);
  EXPECT_DOUBLE_EQ(metrics[1].value, 0.0);
  EXPECT_DOUBLE_EQ(metrics[1].loss, l0);
}

TEST(RnnProbes, SweepsCoverEveryScopeAndBinarizingTheConnectivityLeavesInputAndReadout) {
  const RnnRunConfig config = small_run();
  models::LowRankRnn rnn(config.rnn_options());
  train_rnn(config, rnn, false);
  const auto params = core::parameters_of(*rnn);
  const auto specs = probes::rnn_preset({Scope::parse("U+V"), Scope::parse("m")});
  const auto rows = probes::run_sweeps(testing::target_of(params, probes::RoleSet::weights()), specs,
                                       rnn_evaluator(config, config.task_data()), {"filter", 0});
  EXPECT_EQ(static_cast<int64_t>(rows.size()), probes::count_evaluations(specs));
  auto gen = core::make_generator(0);
  const probes::ProbeOutput bin =
      probes::apply_probe(probes::binarize_probe().build("sign"), params, testing::selection_of(params, "U+V"), 0, gen);
  EXPECT_EQ(bin.report.total, 2 * config.n);  // U and V, N x 1 each
  for (size_t i = 0; i < params.size(); ++i) {
    const bool connectivity = params[i].first == "U" || params[i].first == "V";
    EXPECT_EQ(bin.tensors[i].second.equal(params[i].second), !connectivity) << params[i].first;
  }
  const auto summary = summarize_rnn_probes(rows);
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].scope, "U+V");
  for (const auto& s : summary) {
    EXPECT_LT(s.binarized, s.full);
    EXPECT_LE(s.shuffled_a, s.full);
  }
}

TEST(RnnProbes, RunWritesARunDirectoryWhoseResultReadsBack) {
  testing::TempDir tmp;
  RnnRunConfig config = small_run();
  config.epochs = 50;
  run_rnn_train({config, tmp / "run"}, {});
  RnnProbeConfig probe;
  probe.model = tmp / "run";
  probe.scopes = {"U+V"};
  probe.out = tmp / "probe";
  const RnnProbeResult result = run_rnn_probe(probe, {});
  EXPECT_EQ(static_cast<int64_t>(result.rows.size()),
            probes::count_evaluations(probes::rnn_preset({Scope::parse("U+V")})));
  const core::Json written = core::read_json(tmp / "probe" / "result.json");
  const RnnProbeResult back = RnnProbeResult::from_json(written, "result.json");
  EXPECT_EQ(back.to_json().dump(), written.dump());  // dump: NaN is written as null
  EXPECT_TRUE(written["rows"][0].contains("variance_explained"));
  EXPECT_EQ(core::read_file(tmp / "probe" / "rows.csv")
                .rfind("task,seed,probe,variant,mode,scope,level,draw,variance_explained,", 0),
            0u);
  EXPECT_EQ(core::run_kind(tmp / "probe"), core::kind::kRnnProbe);
  probe.scopes = {"U+W"};
  EXPECT_THROW(run_rnn_probe(probe, {}), core::UsageError);
  probe.scopes = {"U"};
  probe.model = tmp / "probe";  // not a `rnn train` run
  EXPECT_THROW(run_rnn_probe(probe, {}), core::UsageError);
}

}  // namespace
}  // namespace netprobe::experiments
