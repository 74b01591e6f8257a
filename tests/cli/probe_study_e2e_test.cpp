// `netprobe probe` and `netprobe study` as a user runs them, on the real MNIST (label e2e).
#include <cstdlib>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/json_io.h"
#include "tests/support/test_support.h"

namespace netprobe {
namespace {

namespace fs = std::filesystem;
using testing::run_netprobe;

// The model: the one CTest's e2e fixture trained, or one trained here when the executable runs
// alone.
class ProbeStudyE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    model_ = testing::shared_e2e_model().value_or(*tmp_ / "model");
    if (model_ != *tmp_ / "model") return;
    const auto r = run_netprobe("train --classes 7,9 --epochs 1 --threads 1 -q --out " + model_.string() +
                                testing::real_data_arg());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete tmp_; }
  static fs::path model() { return model_; }
  static testing::TempDir* tmp_;
  static fs::path model_;
};
testing::TempDir* ProbeStudyE2E::tmp_ = nullptr;
fs::path ProbeStudyE2E::model_;

TEST_F(ProbeStudyE2E, ProbePrintsATableAndWritesEveryRow) {
  const fs::path csv = *tmp_ / "prune.csv";
  const auto r =
      run_netprobe("probe --model " + model().string() + " --probe prune --levels 0,0.5,0.99 --signed --out " +
                   csv.string() + testing::real_data_arg());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mnist-7v9: unperturbed test accuracy"), std::string::npos) << r.out;
  const std::string rows = core::read_file(csv);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 1 + 1 + 3 * 2);  // header, baseline, 3 levels x 2 modes
  EXPECT_NE(rows.find("mnist-7v9,0,prune,magnitude,signed,all,0.5,0,"), std::string::npos) << rows;
}

TEST_F(ProbeStudyE2E, ProbeUsageErrorsWriteNothing) {
  const fs::path csv = *tmp_ / "never.csv";
  const std::string base = "probe --model " + model().string() + " --out " + csv.string() + testing::real_data_arg();
  for (const std::string& args : std::vector<std::string>{
           base + " --probe dropout", base + " --probe prune --levels 0.5,1.5", base + " --probe noise --levels -1",
           base + " --probe flip --variant middle", base + " --probe prune --scope fc9",
           base + " --probe shuffle --levels 0.3", base + " --probe prune --draws 0"}) {
    const auto r = run_netprobe(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(fs::exists(csv));
  const auto not_a_model = run_netprobe("probe --model " + tmp_->path().string() + " --probe prune");
  EXPECT_EQ(not_a_model.exit_code, 2);
  EXPECT_NE(not_a_model.err.find("not a netprobe run directory"), std::string::npos);
}

TEST_F(ProbeStudyE2E, ALayerProfileAnswersHowFarEachLayerCanBeCompressed) {
  const fs::path out = *tmp_ / "profile";
  const auto r = run_netprobe(
      "study --pairs mnist-7v9 --seeds 1 --epochs 1 --probes prune,binarize,shuffle,noise "
      "--draws 1 --layer-profile --max-drop 2 --threads 2 -q --out " +
      out.string() + testing::real_data_arg());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mnist-7v9 per layer"), std::string::npos) << r.out;
  const core::Json layers = core::read_json(out / "scores.json")[0]["compression_by_layer"];
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[1]["layer"], "fc1");
  EXPECT_EQ(layers[1]["entries"], 784 * 64 + 64);
  EXPECT_GT(layers[0]["full_accuracy"].get<double>(), 90.0);
  for (const auto& l : layers) {
    // every tensor keeps floor((1 - p) n) entries, so the realized sparsity is at least p
    EXPECT_GE(l["sparsity_magnitude"].get<double>(), l["max_prune_magnitude"].get<double>()) << l.dump();
    EXPECT_GE(l["max_prune_magnitude"].get<double>(), 0.1) << l.dump();  // a trained MLP survives 10 % pruning
  }
  EXPECT_TRUE(fs::exists(out / "figures" / "layer_pruning_mnist-7v9.svg"));
  EXPECT_NE(core::read_file(out / "index.html").find("how far each layer can be compressed"), std::string::npos);
}

TEST_F(ProbeStudyE2E, SmallStudyWritesResultsAndJsonSummary) {
  const fs::path out = *tmp_ / "study";
  const std::string args =
      "study --pairs mnist-7v9 --seeds 2 --seed 3 --probes binarize,shuffle --draws 1 --threads 2 -q "
      "--format json --out " +
      out.string() + testing::real_data_arg();
  const auto r = run_netprobe(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = core::Json::parse(r.out);
  EXPECT_EQ(summary["scores"][0]["task"], "mnist-7v9");
  EXPECT_EQ(summary["models_trained"], 2);
  EXPECT_EQ(summary["models"][0]["seed"], 3);  // --seed 3: seeds 3 and 4
  EXPECT_EQ(summary["models"][1]["seed"], 4);
  EXPECT_EQ(summary["rows"], 2 * (1 + 2 + 7 * 2));
  // Binarized 7-vs-9 protocol models sit at chance (PROBES.md).
  EXPECT_NEAR(summary["scores"][0]["binarized"]["median"].get<double>(), 50.0, 5.0);
  EXPECT_TRUE(fs::exists(out / "results.csv"));
  const auto again = run_netprobe(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(core::Json::parse(again.out)["sweeps_cached"], 2);
}

TEST_F(ProbeStudyE2E, StudyUsageErrorsWriteNothing) {
  const fs::path out = *tmp_ / "bad-study";
  for (const std::string& args : std::vector<std::string>{
           "study --probes prune,dropout", "study --pairs 7-7", "study --pairs 7-12", "study --datasets cifar",
           "study --seeds 0", "study --format xml", "study --activation gelu", "study --shard 4/4", "study --shard x",
           "study --shard-count 4", "study --shard 1/4 --shard-count 3", "study --merge",
           "study --shard 1/4 --merge"}) {
    const auto r = run_netprobe(args + " --out " + out.string() + testing::real_data_arg());
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(out));
}

// As inside the array task of `sbatch --array=...`: the shard comes from SLURM's variables.
class SlurmArrayTask {
 public:
  SlurmArrayTask(const std::string& id, const std::string& count, const std::string& min, const std::string& max) {
    ::setenv("SLURM_ARRAY_TASK_ID", id.c_str(), 1);
    ::setenv("SLURM_ARRAY_TASK_COUNT", count.c_str(), 1);
    ::setenv("SLURM_ARRAY_TASK_MIN", min.c_str(), 1);
    ::setenv("SLURM_ARRAY_TASK_MAX", max.c_str(), 1);
  }
  ~SlurmArrayTask() {
    for (const char* v :
         {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX"})
      ::unsetenv(v);
  }
};

TEST_F(ProbeStudyE2E, InsideASlurmArrayTaskTheStudyRunsItsShard) {
  const fs::path out = *tmp_ / "slurm-study";
  const std::string args = "study --pairs 7-9 --seeds 2 --epochs 1 --hidden 16 --probes binarize --draws 1 --out " +
                           out.string() + testing::real_data_arg();
  {
    const SlurmArrayTask rerun("1", "1", "1", "1");  // index 1 re-run alone: the count is unknown
    const auto r = run_netprobe(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("pass --shard-count n"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    const auto with_count = run_netprobe(args + " --shard-count 2");
    ASSERT_EQ(with_count.exit_code, 0) << with_count.err;
    EXPECT_NE(with_count.out.find("shard 1/2: 1 of 2 models; models trained 1"), std::string::npos) << with_count.out;
  }
  {
    const SlurmArrayTask first("0", "2", "0", "1");
    const auto r = run_netprobe(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("shard 0/2: 1 of 2 models; models trained 1"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(out / "results.csv"));
    // A merge inside an array job merges: it takes no shard from the environment.
    const auto merged = run_netprobe(args + " --merge --format json");
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(core::Json::parse(merged.out)["models_trained"], 0);
  }
  EXPECT_TRUE(fs::exists(out / "results.csv"));
  EXPECT_TRUE(fs::exists(out / "index.html"));
}

}  // namespace
}  // namespace netprobe
