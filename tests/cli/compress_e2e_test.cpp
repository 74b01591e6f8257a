// `netprobe export`, `probe` and `compress` on TorchScript models as a user runs them, on the
// real MNIST (label e2e); the Python CNN example when Debian's python3-torch is installed.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/json_io.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe {
namespace {

namespace fs = std::filesystem;
using testing::run_netprobe;

class CompressE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    model_ = testing::shared_e2e_model().value_or(*tmp_ / "model");
    if (model_ == *tmp_ / "model") {
      const auto r = run_netprobe("train --classes 7,9 --epochs 1 --threads 1 -q --out " + model_.string() +
                                  testing::real_data_arg());
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const auto r = run_netprobe("export --model " + model_.string() + " --out " + (*tmp_ / "mlp.pt").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete tmp_; }
  static testing::TempDir* tmp_;
  static fs::path model_;
};
testing::TempDir* CompressE2E::tmp_ = nullptr;
fs::path CompressE2E::model_;

TEST_F(CompressE2E, TheExportedModelGivesTheRunDirectorysAnswerLayerByLayer) {
  const fs::path a = *tmp_ / "from_run", b = *tmp_ / "from_script";
  const auto ra = run_netprobe("compress --model " + model_.string() + " --draws 2 -q --no-report --out " + a.string() +
                               testing::real_data_arg());
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  const auto rb = run_netprobe("compress --model " + (*tmp_ / "mlp.pt").string() +
                               " --data mnist-7v9 --draws 2 -q --out " + b.string() + testing::real_data_arg());
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  const core::Json ja = core::read_json(a / "compression.json"), jb = core::read_json(b / "compression.json");
  ASSERT_EQ(ja["layers"].size(), 3u);  // all, fc1, fc2
  EXPECT_EQ(ja["layers"][1]["layer"], "fc1");
  EXPECT_EQ(ja["layers"][1]["entries"], 784 * 64);      // the weight; the bias only with --include biases
  EXPECT_EQ(ja["layers"].dump(), jb["layers"].dump());  // full-mode answers: identical numbers
  EXPECT_GT(ja["intact"].get<double>(), 90.0);
  // The table on stdout names every layer; the report has its page and three figures' data.
  EXPECT_NE(rb.out.find("fc2"), std::string::npos) << rb.out;
  EXPECT_TRUE(fs::exists(b / "index.html"));
  EXPECT_TRUE(fs::exists(b / "figures" / "compress_magnitude.dat"));
  EXPECT_FALSE(fs::exists(a / "index.html"));  // --no-report
  const std::string csv = core::read_file(b / "results.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "task,seed,probe,variant,mode,scope,level,draw,accuracy,loss,changed,total,zeros,examples,lost,gained,"
            "nonfinite,intact_right");
}

// Judging a level on a random sample of the test set first (--first-look) gives the answers of
// judging every level on all of it (the exactness: the MLP on the real 7 vs 9 test set),
// on fewer evaluated examples; a row decided on a sample holds that sample's counts.
TEST_F(CompressE2E, LevelsJudgedOnASampleGiveTheWholeTestSetsAnswers) {
  const auto run = [&](const std::string& looks, const fs::path& out) {
    const auto r = run_netprobe("compress --model " + model_.string() + " --draws 3 -q --no-report " + looks +
                                " --out " + out.string() + testing::real_data_arg());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return core::read_json(out / "compression.json");
  };
  const core::Json sampled = run("--first-look 128", *tmp_ / "sampled");
  const core::Json whole = run("--first-look 0", *tmp_ / "whole");
  const int64_t n = whole["examples"];
  ASSERT_GT(n, 2000);
  ASSERT_EQ(sampled["layers"].size(), whole["layers"].size());
  for (size_t l = 0; l < whole["layers"].size(); ++l) {
    ASSERT_EQ(sampled["layers"][l]["probes"].size(), whole["layers"][l]["probes"].size());
    for (size_t p = 0; p < whole["layers"][l]["probes"].size(); ++p) {
      const core::Json& a = sampled["layers"][l]["probes"][p];
      const core::Json& b = whole["layers"][l]["probes"][p];
      const std::string where = whole["layers"][l]["layer"].get<std::string>() + " " + b["probe"].get<std::string>();
      for (const char* key : {"probe", "safe_level", "next_level", "next_verdict", "sparsity"}) {
        EXPECT_EQ(a[key].dump(), b[key].dump()) << where << " " << key;
      }
    }
  }
  int64_t on_sample = 0, examples_sampled = 0, examples_whole = 0;
  for (const auto& row : sampled["rows"]) {
    const int64_t e = row["examples"];
    examples_sampled += e;
    if (row["changed"] == 0) {
      EXPECT_EQ(e, n) << row.dump();  // the intact function: the intact row's numbers
    }
    if (e < n) {
      ++on_sample;
      EXPECT_TRUE(e == 128 || e == 512) << row.dump();  // the looks (at most half the test set)
      EXPECT_LE(row["lost"].get<int64_t>(), row["intact_right"].get<int64_t>());
    }
  }
  for (const auto& row : whole["rows"]) {
    EXPECT_EQ(row["examples"], n);
    examples_whole += n;
  }
  EXPECT_GT(on_sample, 0);
  EXPECT_LT(examples_sampled, examples_whole);
}

// A killed run resumes from the layers it finished; a layer computed under other options is computed
// again; shards and their merge give the unsharded run's answers and rows; a merge with a layer
// missing names it and the shard that owns it, and writes nothing.
TEST_F(CompressE2E, ResumedAndShardedRunsGiveTheWholeRunsAnswers) {
  const std::string common = "compress --model " + (*tmp_ / "mlp.pt").string() + " --data mnist-7v9 --draws 2 " +
                             "--no-report" + testing::real_data_arg() + " --out ";
  const fs::path whole = *tmp_ / "whole", sharded = *tmp_ / "sharded";
  ASSERT_EQ(run_netprobe(common + whole.string() + " -q").exit_code, 0);
  const core::Json expected = core::read_json(whole / "compression.json");
  const auto same_as_whole = [&](const fs::path& dir) {
    const core::Json got = core::read_json(dir / "compression.json");
    EXPECT_EQ(got["layers"].dump(), expected["layers"].dump()) << dir;
    EXPECT_EQ(got["rows"].dump(), expected["rows"].dump()) << dir;
  };
  // Killed after two layers: the final files and the last layer are gone.
  fs::remove(whole / "compression.json");
  fs::remove(whole / "layers" / "002-fc2.json");
  const auto resumed = run_netprobe(common + whole.string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("1 of 3 layers computed, 2 read from"), std::string::npos) << resumed.err;
  same_as_whole(whole);
  // Other options: every cached layer is stale and says so.
  const auto other = run_netprobe(common + whole.string() + " --max-drop 2");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.err.find("001-fc1.json: computed for another model, test set or options"), std::string::npos)
      << other.err;
  EXPECT_EQ(other.err.find("read from"), std::string::npos) << other.err;

  for (const char* k : {"1/2", "0/2"}) {
    const auto r = run_netprobe(common + sharded.string() + " -q --shard " + k);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string("shard ") + k), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(sharded / "compression.json"));  // only the merge answers
  }
  EXPECT_TRUE(fs::exists(sharded / "shards" / "shard-0-of-2.json"));
  ASSERT_EQ(run_netprobe(common + sharded.string() + " -q --merge").exit_code, 0);
  same_as_whole(sharded);
  fs::remove(sharded / "layers" / "001-fc1.json");
  const auto broken = run_netprobe(common + sharded.string() + " -q --merge");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("--merge: layers not finished: 1 of 3: fc1 (not computed); shards to run (again): 1/2"),
            std::string::npos)
      << broken.err;
  EXPECT_FALSE(fs::exists(sharded / "compression.json"));
}

TEST_F(CompressE2E, ProbeOnATorchScriptModelNamesScopesAndNoiseInSigmaUnits) {
  const auto r = run_netprobe("probe --model " + (*tmp_ / "mlp.pt").string() +
                              " --data mnist-7v9 --probe noise --levels 0.01,0.1 --draws 2 --layer-profile" +
                              testing::real_data_arg());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* scope : {"scope all", "scope fc1", "scope fc2"}) {
    EXPECT_NE(r.out.find(std::string("probe noise, variant uniform, ") + scope), std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find("a/σ(w)"), std::string::npos) << r.out;
}

TEST_F(CompressE2E, BadModelsAndDataGiveOneLineAndWriteNothing) {
  const fs::path out = *tmp_ / "never";
  testing::write_bytes(*tmp_ / "junk.pt", {'P', 'K'});
  testing::save_test_set(*tmp_ / "short.pt", torch::zeros({5, 10}), torch::zeros({5}, torch::kLong));
  testing::save_test_set(*tmp_ / "lengths.pt", torch::zeros({5, 784}), torch::zeros({4}, torch::kLong));
  const std::string mlp = (*tmp_ / "mlp.pt").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--model " + (*tmp_ / "junk.pt").string() + " --data mnist-7v9", "not a TorchScript model"},
      {"--model " + mlp, "--data: required for a TorchScript model"},
      {"--model " + mlp + " --data " + (*tmp_ / "short.pt").string(), "forward fails on x of shape [5, 10]"},
      {"--model " + mlp + " --data " + (*tmp_ / "lengths.pt").string(), "x has 5 examples, y has 4"},
      {"--model " + mlp + " --data " + (*tmp_ / "missing.pt").string(), "neither a file nor a task id"},
      {"--model " + mlp + " --data mnist-7v9 --max-drop -1", "--max-drop"},
      {"--model " + mlp + " --data mnist-7v9 --input-shape 5,5", "--input-shape"},
  };
  for (const auto& [args, fragment] : cases) {
    const auto r = run_netprobe("compress " + args + " -q --out " + out.string() + testing::real_data_arg());
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
  // The shape mismatch names the model's side too (LibTorch's message has both matrix shapes).
  const auto r = run_netprobe("probe --probe prune --model " + mlp + " --data " + (*tmp_ / "short.pt").string());
  EXPECT_NE(r.err.find("5x10 and 784x64"), std::string::npos) << r.err;
}

// The plan: every layer's safe magnitude pruning at once, within the allowed drop, written as a
// masked TorchScript model and its masks; PyTorch reads both back where it is installed.
TEST_F(CompressE2E, ThePlanWritesAMaskedModelAndMasksWithinTheAllowedDrop) {
  const fs::path out = *tmp_ / "plan";
  const auto r = run_netprobe("compress --model " + model_.string() + " --probes magnitude,binarize --plan -q " +
                              "--no-report --out " + out.string() + testing::real_data_arg());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json j = core::read_json(out / "compression.json");
  const core::Json& plan = j["plan"];
  ASSERT_TRUE(plan.is_object()) << j.dump();
  EXPECT_EQ(plan["verdict"], "safe");
  EXPECT_LE(plan["drop_high"].get<double>(), j["max_drop"].get<double>());
  EXPECT_GT(plan["sparsity"].get<double>(), 0.1);
  for (const auto& l : plan["layers"]) {  // never beyond the layer's own answer
    for (const auto& layer : j["layers"]) {
      if (layer["layer"] != l["layer"]) continue;
      EXPECT_LE(l["p"].get<double>(), layer["probes"][0]["safe_level"].get<double>()) << l.dump();
    }
  }
  EXPECT_NE(r.out.find("plan: every layer at its safe magnitude pruning"), std::string::npos) << r.out;
  ASSERT_TRUE(fs::exists(out / "pruned.pt"));
  ASSERT_TRUE(fs::exists(out / "masks.pt"));
  // netprobe reads its own pruned model: its accuracy is the plan's.
  const auto again = run_netprobe("probe --model " + (out / "pruned.pt").string() +
                                  " --data mnist-7v9 --probe binarize -q" + testing::real_data_arg());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(fmt::format("unperturbed test accuracy {:.2f}%", plan["value"].get<double>())),
            std::string::npos)
      << again.out;
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-torch is not installed: masks.pt not read back with torch.load";
  }
  const std::string check =
      "/usr/bin/python3 -c \"import torch; m = torch.load('" + (out / "masks.pt").string() +
      "'); p = dict(torch.jit.load('" + (out / "pruned.pt").string() +
      "').named_parameters()); assert m and all(torch.equal(p[k] != 0, v) for k, v in m.items()); "
      "print(sorted(m))\" > " +
      (*tmp_ / "masks.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(check.c_str()), 0) << core::read_file(*tmp_ / "masks.txt");
  EXPECT_EQ(core::read_file(*tmp_ / "masks.txt"), "['fc1.weight', 'fc2.weight']\n");
}

TEST_F(CompressE2E, LayersListsWhatTheProbesSeeAsATableOrJson) {
  const auto t = run_netprobe("layers --model " + (*tmp_ / "mlp.pt").string());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("fc1    Linear  [64, 784]   50176  weight*, bias"), std::string::npos) << t.out;
  const auto j = run_netprobe("layers --model " + (*tmp_ / "mlp.pt").string() +
                              " --data mnist-7v9 --include biases --format json" + testing::real_data_arg());
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const core::Json json = core::Json::parse(j.out);
  EXPECT_EQ(json["layers"][0]["probed_entries"], 64 * 784 + 64);
  EXPECT_EQ(json["layers"][1]["tensors"][1]["role"], "bias");
  EXPECT_TRUE(json["layers"][1]["tensors"][1]["probed"].get<bool>());
  EXPECT_GT(json["intact"]["value"].get<double>(), 90.0);
}

TEST_F(CompressE2E, OtherMetricsAndTheirChecks) {
  const fs::path ten = *tmp_ / "ten";
  ASSERT_EQ(
      run_netprobe("train --classes all --epochs 1 --threads 1 -q --out " + ten.string() + testing::real_data_arg())
          .exit_code,
      0);
  for (const char* metric : {"top5", "macro_f1", "loss"}) {
    const fs::path out = *tmp_ / (std::string("m_") + metric);
    const auto r = run_netprobe(std::string("compress --model ") + ten.string() + " --metric " + metric +
                                " --probes magnitude,binarize --max-drop 2 -q --no-report --out " + out.string() +
                                testing::real_data_arg());
    ASSERT_EQ(r.exit_code, 0) << metric << ": " << r.err;
    const core::Json j = core::read_json(out / "compression.json");
    EXPECT_EQ(j["metric"], metric);
    const std::string csv = core::read_file(out / "results.csv");
    EXPECT_NE(csv.find(std::string(",draw,") + metric + ","), std::string::npos) << csv.substr(0, 120);
    // The unperturbed model's metric is what the rows start with; binarizing makes it worse.
    const double binarized = j["layers"][0]["probes"][1]["next_value"].is_null()
                                 ? j["layers"][0]["probes"][1]["value"].get<double>()
                                 : j["layers"][0]["probes"][1]["next_value"].get<double>();
    if (std::string(metric) == "loss") {
      EXPECT_GT(binarized, j["intact"].get<double>());
    } else {
      EXPECT_LT(binarized, j["intact"].get<double>());
    }
  }
  // top5 of two classes says nothing; a TorchScript model's loss needs its name.
  const auto two = run_netprobe("compress --model " + model_.string() + " --metric top5 -q" + testing::real_data_arg());
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("--metric: top5 needs more than 5 classes"), std::string::npos) << two.err;
  const auto loss = run_netprobe("compress --model " + (*tmp_ / "mlp.pt").string() +
                                 " --data mnist-7v9 --metric loss -q" + testing::real_data_arg());
  EXPECT_EQ(loss.exit_code, 2);
  EXPECT_NE(loss.err.find("--metric loss: name the model's loss with --loss"), std::string::npos) << loss.err;
}

TEST_F(CompressE2E, ABadIncludeOrScopeNamesWhatExistsAndWritesNothing) {
  const fs::path out = *tmp_ / "never";
  for (const std::string& args : {std::string(" --include weights"), std::string(" --include biases,norm")}) {
    const auto r = run_netprobe("compress --model " + model_.string() + args + " -q --out " + out.string() +
                                testing::real_data_arg());
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find("is not a role to include (known: biases, norms, others"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  const auto scope =
      run_netprobe("probe --model " + model_.string() + " --probe binarize --scope fc3 -q" + testing::real_data_arg());
  EXPECT_EQ(scope.exit_code, 2);
  EXPECT_NE(scope.err.find("--scope: the model has no layer 'fc3' (layers: fc1, fc2)"), std::string::npos) << scope.err;
  EXPECT_EQ(std::count(scope.err.begin(), scope.err.end(), '\n'), 1);
}

// The Python example trains a CNN on MNIST and exports it; netprobe compresses it. Debian's
// python3-torch is optional (the set-up installs it for this test and the benchmarks).
TEST(PythonCnnE2E, TheExampleCnnCompressesLayerByLayer) {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-torch is not installed (apt-get install python3-torch): the CNN example is not run";
  }
  testing::TempDir tmp;
  const std::string script = (testing::repo_root() / "scripts" / "examples" / "cnn_mnist.py").string();
  const std::string train = "/usr/bin/python3 " + script + " --classes 7,9 --epochs 1 --train-limit 3000 " +
                            "--test-limit 600 --data-dir " + (testing::repo_root() / "data" / "mnist").string() +
                            " --out " + (tmp / "cnn").string() + " > " + (tmp / "log").string() + " 2>&1";
  ASSERT_EQ(std::system(train.c_str()), 0) << core::read_file(tmp / "log");
  const auto r = run_netprobe("compress --model " + (tmp / "cnn" / "model.pt").string() + " --data " +
                              (tmp / "cnn" / "test.pt").string() + " --draws 1 --loss cross-entropy -q --no-report " +
                              "--out " + (tmp / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const core::Json j = core::read_json(tmp / "out" / "compression.json");
  std::vector<std::string> layers;
  for (const auto& l : j["layers"]) layers.push_back(l["layer"].get<std::string>());
  EXPECT_EQ(layers, (std::vector<std::string>{"all", "features.0", "features.3", "classifier"}));
  EXPECT_EQ(j["layers"][1]["entries"], 8 * 1 * 3 * 3);
  EXPECT_EQ(j["layers"][2]["entries"], 16 * 8 * 3 * 3);
  EXPECT_GT(j["intact"].get<double>(), 90.0);    // 7 vs 9 after one short epoch
  EXPECT_FALSE(j["rows"][1]["loss"].is_null());  // --loss cross-entropy fills the column

  // Stopping each sweep at its answer gives the answers of every level and draw, with fewer evaluations.
  const auto all = run_netprobe("compress --model " + (tmp / "cnn" / "model.pt").string() + " --data " +
                                (tmp / "cnn" / "test.pt").string() + " --draws 3 -q --no-report --exhaustive --out " +
                                (tmp / "all").string());
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto early =
      run_netprobe("compress --model " + (tmp / "cnn" / "model.pt").string() + " --data " +
                   (tmp / "cnn" / "test.pt").string() + " --draws 3 -q --no-report --out " + (tmp / "early").string());
  ASSERT_EQ(early.exit_code, 0) << early.err;
  const core::Json a = core::read_json(tmp / "all" / "compression.json");
  const core::Json e = core::read_json(tmp / "early" / "compression.json");
  EXPECT_EQ(a["evaluations"], a["exhaustive_evaluations"]);
  EXPECT_LT(e["evaluations"].get<int64_t>(), a["evaluations"].get<int64_t>());
  ASSERT_EQ(a["layers"].size(), e["layers"].size());
  for (size_t l = 0; l < a["layers"].size(); ++l) {
    ASSERT_EQ(a["layers"][l]["probes"].size(), e["layers"][l]["probes"].size());
    for (size_t p = 0; p < a["layers"][l]["probes"].size(); ++p) {
      core::Json pa = a["layers"][l]["probes"][p], pe = e["layers"][l]["probes"][p];
      pa.erase("evaluations");  // how many were run differs; everything else is the answer
      pe.erase("evaluations");
      EXPECT_EQ(pa.dump(), pe.dump()) << a["layers"][l]["layer"];
    }
  }
}

}  // namespace
}  // namespace netprobe
