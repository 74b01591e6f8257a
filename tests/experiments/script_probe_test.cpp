// Probing any model: a netprobe MLP gives the same rows through its batched engine and as an
// exported TorchScript file; a conv net goes through compression end to end; bad inputs stop
// before anything is written.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "probes/presets.h"
#include "probes/shuffle.h"

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "experiments/classifier_run.h"
#include "experiments/compress.h"
#include "experiments/probe.h"
#include "models/mlp_script.h"
#include "probes/sweep.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;

class ScriptProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_fake_dataset(tmp_ / "data" / "mnist", 80, 40, false);
    ClassifierRunConfig c;
    c.task = {"mnist", {1, 2}};
    c.hidden = {8, 6};
    c.epochs = 2;
    c.batch = 16;
    train_classifier_run(c, data::load_task(c.task, tmp_ / "data"), tmp_ / "mlp", 1, false);
    models::script_mlp(*load_classifier_run(tmp_ / "mlp").model).save((tmp_ / "mlp.pt").string());
  }
  testing::TempDir tmp_;
};

TEST_F(ScriptProbeTest, AnExportedMlpGivesTheRowsOfTheBatchedEngine) {
  for (const char* probe : {"prune", "noise", "shuffle", "flip"}) {
    ProbeConfig engine;
    engine.source.model = tmp_ / "mlp";
    engine.probe = probe;
    engine.with_signed = true;
    engine.layer_profile = true;
    engine.draws = 2;
    ProbeConfig script = engine;
    script.source.model = tmp_ / "mlp.pt";
    script.source.data = "mnist-1v2";
    script.source.loss = "nll";
    core::RunContext context;  // two variants at once on the TorchScript path
    context.threads = 2;
    context.seed = 0;  // the run's seed, which the engine path uses by default
    context.data_dir = tmp_ / "data";
    const auto a = run_probe(engine, context).rows, b = run_probe(script, context).rows;
    int signed_differences = 0;
    ASSERT_EQ(a.size(), b.size()) << probe;
    EXPECT_EQ(a.size(), probes::count_evaluations(engine.sweeps({"fc1", "fc2", "fc3"})));
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].probe, b[i].probe);
      EXPECT_EQ(a[i].variant, b[i].variant);
      EXPECT_EQ(a[i].mode, b[i].mode);
      EXPECT_EQ(a[i].scope, b[i].scope);
      EXPECT_EQ(a[i].level, b[i].level);
      EXPECT_EQ(a[i].draw, b[i].draw);
      if (a[i].mode == probes::Mode::kFull) {
        EXPECT_EQ(a[i].value, b[i].value) << probe << " row " << i << " " << a[i].to_json().dump();
        EXPECT_NEAR(a[i].loss, b[i].loss, 1e-4 * std::max(1.0, std::abs(a[i].loss))) << probe << " row " << i;
      } else if (a[i].value != b[i].value) {
        // sign() networks of a tiny MLP have exactly tied logits on some examples; the engine's
        // stacked products round differently from a plain forward, so a tie may break the other
        // way (as it does between chunk sizes of the engine itself, see SweepContext::chunk).
        ++signed_differences;
      }
      EXPECT_EQ(a[i].report.changed, b[i].report.changed);
      EXPECT_EQ(a[i].report.zeros, b[i].report.zeros);
    }
    EXPECT_LE(signed_differences, 2) << probe;  // measured here: one row, in the noise sweep
    const std::set<std::string> scopes = [&] {
      std::set<std::string> s;
      for (const auto& r : a) s.insert(r.scope.label());
      return s;
    }();
    EXPECT_EQ(scopes, (std::set<std::string>{"all", "fc1", "fc2", "fc3"})) << probe;
  }
}

TEST_F(ScriptProbeTest, AConvNetCompressesLayerByLayerAndWritesOneDirectory) {
  testing::tiny_cnn(2, 4).save((tmp_ / "cnn.pt").string());
  const auto [x, y] = testing::tiny_images(60, 5);
  testing::save_test_set(tmp_ / "test.pt", x, y);
  CompressConfig c;
  c.source.model = tmp_ / "cnn.pt";
  c.source.data = (tmp_ / "test.pt").string();
  c.draws = 2;
  c.max_drop = 2;
  c.out = tmp_ / "out";
  core::RunContext two_workers;
  two_workers.threads = 2;
  const CompressResult r = run_compress(c, two_workers);
  ASSERT_EQ(r.layers.size(), 3u);
  EXPECT_EQ(r.layers[0].layer, "all");
  EXPECT_EQ(r.layers[1].layer, "conv");
  EXPECT_EQ(r.layers[2].layer, "fc");
  // A layer is its module's weight: biases are left alone unless --include biases.
  EXPECT_EQ(r.layers[1].entries, 3 * 9);
  EXPECT_EQ(r.layers[2].entries, 2 * 48);
  EXPECT_EQ(r.layers[0].entries, 27 + 96);
  EXPECT_EQ(r.model_kind, "torchscript");
  EXPECT_EQ(r.task, "test.pt");
  // Early stopped: no more evaluations than every level and draw would take.
  EXPECT_LE(r.evaluations, r.exhaustive_evaluations);
  EXPECT_EQ(static_cast<int64_t>(r.rows.size()), r.evaluations);
  const std::map<std::string, std::vector<int64_t>> sizes = {{"all", {27, 96}}, {"conv", {27}}, {"fc", {96}}};
  for (const auto& layer : r.layers) {
    // The realized sparsity at the safe level is exactly what pruning p of each tensor leaves:
    // every tensor keeps floor((1 - p) n) entries (the tiny CNN has no zero weights of its own).
    const probes::ProbeAnswer* magnitude = layer.find("magnitude");
    ASSERT_NE(magnitude, nullptr) << layer.layer;
    ASSERT_FALSE(std::isnan(magnitude->safe_level)) << layer.layer;  // p = 0 changes nothing: always safe
    int64_t zeros = 0;
    for (int64_t n : sizes.at(layer.layer)) {
      zeros += n - static_cast<int64_t>(std::floor((1 - magnitude->safe_level) * static_cast<double>(n) + 1e-9));
    }
    EXPECT_DOUBLE_EQ(magnitude->sparsity, static_cast<double>(zeros) / static_cast<double>(layer.entries))
        << layer.layer;
    for (const char* probe : {"random", "noise", "binarize", "shuffle"}) EXPECT_NE(layer.find(probe), nullptr) << probe;
    EXPECT_FALSE(std::isnan(layer.find("binarize")->only_value()));
    EXPECT_GT(layer.sigma_w, 0);
  }
  for (const auto& row : r.rows) {
    if (row.probe == probes::shuffle_probe() && row.scope == probes::Scope::parse("conv")) {
      EXPECT_EQ(row.report.total, 27);  // the kernel alone
    }
  }
  EXPECT_EQ(core::run_kind(tmp_ / "out"), core::kind::kCompression);
  const CompressResult back = load_compress_result(tmp_ / "out");
  EXPECT_EQ(back.to_json().dump(), r.to_json().dump());
  const std::string csv = core::read_file(tmp_ / "out" / "results.csv");
  EXPECT_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')), 1 + r.rows.size());
}

TEST_F(ScriptProbeTest, BadModelsAndDataStopBeforeAnythingIsWritten) {
  testing::tiny_cnn(2, 4).save((tmp_ / "cnn.pt").string());
  testing::save_test_set(tmp_ / "flat.pt", torch::zeros({5, 36}), torch::zeros({5}, torch::kLong));
  testing::write_bytes(tmp_ / "junk.pt", {1, 2, 3});
  const auto attempt = [&](const std::string& model, const std::string& data, const std::string& option = "") {
    CompressConfig c;
    c.source.model = tmp_ / model;
    c.source.data = data;
    if (!option.empty()) c.source.loss = option;
    c.out = tmp_ / "never";
    const std::string message = testing::error_of([&] { run_compress(c, {}); });
    EXPECT_FALSE(fs::exists(tmp_ / "never")) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  };
  EXPECT_NE(attempt("cnn.pt", "").find("--data: required for a TorchScript model"), std::string::npos);
  EXPECT_NE(attempt("cnn.pt", (tmp_ / "flat.pt").string()).find("forward fails on x of shape [5, 36]"),
            std::string::npos);
  EXPECT_NE(attempt("junk.pt", (tmp_ / "flat.pt").string()).find("not a TorchScript model"), std::string::npos);
  EXPECT_NE(attempt("cnn.pt", "mnist-1v1v").find("--data"), std::string::npos);
  EXPECT_NE(attempt("cnn.pt", (tmp_ / "flat.pt").string(), "hinge").find("--loss"), std::string::npos);
  EXPECT_NE(attempt("mlp", "", "cross-entropy").find("--loss"), std::string::npos);

  // A model whose outputs are NaN (or inf) on the intact weights: an error naming it, never a score.
  const auto [x, y] = testing::tiny_images(12, 2);
  testing::save_test_set(tmp_ / "images.pt", x, y);
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    torch::jit::Module broken = testing::tiny_cnn(2, 4);
    for (const auto& p : broken.named_parameters()) {
      if (p.name == "fc.bias") p.value.detach().fill_(bad);
    }
    broken.save((tmp_ / "broken.pt").string());
    const std::string message = attempt("broken.pt", (tmp_ / "images.pt").string());
    EXPECT_NE(message.find("broken.pt: the model's outputs are NaN or infinite for 12 of 12 examples of images.pt"),
              std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace netprobe::experiments
