// The study on a small generated dataset: exact row counts, caching and resume.
#include "experiments/study.h"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "probes/prune.h"

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/json_io.h"
#include "core/run_dir.h"
#include "experiments/study_outputs.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;

// What the tests run a study with: two models at once, the datasets written next to --out.
core::RunContext context_for(const StudyConfig& c) {
  core::RunContext context;
  context.threads = 2;
  context.data_dir = c.out.parent_path() / "data";
  return context;
}

StudyConfig small_config(const testing::TempDir& tmp) {
  testing::write_fake_dataset(tmp / "data" / "mnist", 120, 40, false);
  StudyConfig c;
  c.tasks.pairs = {"mnist-1v2", "mnist-3v4"};
  c.seeds = 2;
  c.probes = {"binarize", "shuffle", "prune"};
  c.model.hidden = {8};
  c.model.epochs = 2;
  c.model.batch = 16;
  c.draws = 2;
  c.out = tmp / "results";
  return c;
}

// The smallest study: one task, binarization only (3 evaluations a model).
StudyConfig one_task_binarized(const testing::TempDir& tmp) {
  StudyConfig c = small_config(tmp);
  c.tasks.pairs = {"mnist-1v2"};
  c.probes = {"binarize"};
  return c;
}

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(StudyTest, RunsEveryModelAndSweepThenResumesFromCache) {
  testing::TempDir tmp;
  const StudyConfig config = small_config(tmp);
  const int64_t per_model = probes::count_evaluations(config.sweeps());
  // 1 unperturbed + binarize 2 + shuffle 7 variants x 2 draws x 2 modes + prune 3 x 23 levels
  // x (1, 2, 1 draws) x 2 modes.
  EXPECT_EQ(per_model, 1 + 2 + 28 + 23 * 4 * 2);
  const StudyResult first = run_study(config, context_for(config));
  EXPECT_EQ(first.models_trained, 4);
  EXPECT_EQ(first.sweeps_run, 4);
  EXPECT_EQ(static_cast<int64_t>(first.rows.size()), 4 * per_model);
  ASSERT_EQ(first.scores.size(), 2u);
  EXPECT_EQ(first.scores[0].task, "mnist-1v2");
  EXPECT_EQ(first.scores[0].seeds, 2);
  for (const char* f : {"results.csv", "results.json", "scores.json", "summary.txt", "study.json"}) {
    EXPECT_TRUE(fs::exists(config.out / f)) << f;
  }

  // A finished study re-runs from its cache and reproduces every row.
  const StudyResult again = run_study(config, context_for(config));
  EXPECT_EQ(again.models_trained, 0);
  EXPECT_EQ(again.sweeps_cached, 4);
  ASSERT_EQ(again.rows.size(), first.rows.size());
  for (size_t i = 0; i < first.rows.size(); ++i) EXPECT_EQ(again.rows[i].to_json(), first.rows[i].to_json());

  // An interrupted run: one sweep lost, one half-written staged model left behind by a process
  // that is gone; beside it the stage of a live one (this process) and a user's file.
  fs::remove(*fs::directory_iterator(config.out / "sweeps"));
  const fs::path dead_stage =
      config.out / "models" / "mnist-1v2" / fmt::format("seed0-x.netprobe-tmp-{}-abc", testing::dead_pid());
  const fs::path live_stage =
      config.out / "models" / "mnist-1v2" / fmt::format("seed1-x.netprobe-tmp-{}-abc", ::getpid());
  fs::create_directories(dead_stage);
  fs::create_directories(live_stage);
  core::write_file_atomic(config.out / "notes.tmp-1-a", "mine");
  const size_t files_before = count_files(config.out);
  const StudyResult resumed = run_study(config, context_for(config));
  EXPECT_EQ(resumed.models_trained, 0);
  EXPECT_EQ(resumed.sweeps_run, 1);
  EXPECT_FALSE(fs::exists(dead_stage));
  EXPECT_TRUE(fs::exists(live_stage));
  EXPECT_EQ(core::read_file(config.out / "notes.tmp-1-a"), "mine");
  EXPECT_EQ(count_files(config.out), files_before + 1);
}

TEST(StudyTest, ALayerProfileAnswersPerLayerWithoutChangingTheScores) {
  testing::TempDir tmp;
  StudyConfig config = small_config(tmp);
  config.probes = {"binarize", "shuffle", "prune", "noise"};
  config.tasks.pairs = {"mnist-1v2"};
  const StudyResult plain = run_study(config, context_for(config));
  EXPECT_TRUE(plain.compression.empty());
  EXPECT_EQ(plain.to_json().count("compression"), 0u);  // the default outputs keep their format
  config.layer_profile = true;
  config.max_drop = 2;
  config.out = tmp / "profile";
  const StudyResult profiled = run_study(config, context_for(config));
  EXPECT_EQ(profiled.scores[0].to_json().dump(), plain.scores[0].to_json().dump());
  ASSERT_EQ(profiled.compression.count("mnist-1v2"), 1u);
  const auto& layers = profiled.compression.at("mnist-1v2");
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].layer, "all");
  EXPECT_EQ(layers[1].layer, "fc1");
  EXPECT_EQ(layers[2].entries, 2 * 8 + 2);
  for (const auto& l : layers) {
    // each answer is the rule of probes/compression.h applied to the study's own curves
    const auto curve = probes::seed_curve(
        profiled.rows, {probes::prune_probe(), "magnitude", probes::Mode::kFull, probes::Scope::parse(l.layer)});
    EXPECT_EQ(l.max_prune_magnitude, probes::largest_level_within(curve, l.full_accuracy - 2)) << l.layer;
    EXPECT_FALSE(std::isnan(l.max_prune_random)) << l.layer;
    EXPECT_FALSE(std::isnan(l.delta_bin)) << l.layer;
    EXPECT_FALSE(std::isnan(l.delta_shuf)) << l.layer;
  }
  EXPECT_DOUBLE_EQ(layers[0].full_accuracy, profiled.scores[0].full.median);
  // scores.json carries it per task; study.json's result reads back with it.
  const core::Json scores = core::read_json(config.out / "scores.json");
  EXPECT_EQ(scores[0]["compression_by_layer"].size(), 3u);
  const StudyResult back = StudyResult::from_json(profiled.to_json(), "x");
  EXPECT_EQ(back.to_json()["compression"].dump(), profiled.to_json()["compression"].dump());
  EXPECT_EQ(back.max_drop, 2);
  EXPECT_NE(format_summary(profiled).find("mnist-1v2 per layer"), std::string::npos);
}

TEST(StudyTest, ACacheThatDoesNotMatchItsSpecIsRecomputedNotTrusted) {
  testing::TempDir tmp;
  StudyConfig config = one_task_binarized(tmp);
  const StudyResult first = run_study(config, context_for(config));
  std::vector<fs::path> caches;
  for (const auto& e : fs::directory_iterator(config.out / "sweeps")) caches.push_back(e.path());
  std::sort(caches.begin(), caches.end());
  ASSERT_EQ(caches.size(), 2u);
  core::Json cache = core::read_json(caches[1]);
  core::write_json(caches[0], {{"specs", cache["specs"]}, {"rows", core::Json::array()}});  // emptied
  cache["rows"][1].erase("accuracy");                                                       // a key missing
  core::write_json(caches[1], cache);
  const StudyResult again = run_study(config, context_for(config));
  EXPECT_EQ(again.sweeps_run, 2);
  EXPECT_EQ(again.scores.at(0).seeds, 2);
  ASSERT_EQ(again.rows.size(), first.rows.size());
  for (size_t i = 0; i < first.rows.size(); ++i) EXPECT_EQ(again.rows[i].to_json(), first.rows[i].to_json());
  EXPECT_EQ(run_study(config, context_for(config)).sweeps_cached, 2);  // the rewritten caches are trusted again
}

// A cached model or sweep changed after it was written (one value, the files still parse) fails
// its content hash: the model is trained again and the sweep computed again, to the same rows.
TEST(StudyTest, ChangedCachedWeightsOrSweepValuesAreRecomputed) {
  testing::TempDir tmp;
  StudyConfig config = one_task_binarized(tmp);
  const StudyResult first = run_study(config, context_for(config));
  std::vector<fs::path> sweeps, models;
  for (const auto& e : fs::directory_iterator(config.out / "sweeps")) sweeps.push_back(e.path());
  for (const auto& e : fs::directory_iterator(config.out / "models" / "mnist-1v2")) models.push_back(e.path());
  ASSERT_EQ(sweeps.size(), 2u);
  ASSERT_EQ(models.size(), 2u);
  core::Json cache = core::read_json(sweeps[0]);
  cache["rows"][1]["accuracy"] = cache["rows"][1]["accuracy"].get<double>() + 1;  // a plausible wrong value
  core::write_json(sweeps[0], cache);
  core::NamedTensors weights = core::load_tensors(models[1] / "weights.pt");
  std::string bytes = core::read_file(models[1] / "weights.pt");
  const float first_value = weights[0].second.flatten()[0].item<float>();
  const size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&first_value), sizeof(float)));
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
  testing::write_bytes(models[1] / "weights.pt", std::vector<uint8_t>(bytes.begin(), bytes.end()));

  const StudyResult again = run_study(config, context_for(config));
  EXPECT_EQ(again.models_trained, 1);
  EXPECT_EQ(again.sweeps_run, 1);
  ASSERT_EQ(again.rows.size(), first.rows.size());
  for (size_t i = 0; i < first.rows.size(); ++i) EXPECT_EQ(again.rows[i].to_json(), first.rows[i].to_json());
}

TEST(StudyTest, ConfigChangesAreNewCacheEntries) {
  testing::TempDir tmp;
  StudyConfig config = small_config(tmp);
  config.tasks.pairs = {"mnist-1v2"};
  config.seeds = 1;
  run_study(config, context_for(config));
  config.model.hidden = {6};
  const StudyResult other = run_study(config, context_for(config));
  EXPECT_EQ(other.models_trained, 1);
}

TEST(StudyTest, InvalidConfigsAreUsageErrorsAndWriteNothing) {
  testing::TempDir tmp;
  StudyConfig config = small_config(tmp);
  config.probes = {"prune", "dropout"};
  EXPECT_THROW(run_study(config, context_for(config)), core::UsageError);
  config = small_config(tmp);
  config.seeds = 0;
  EXPECT_THROW(run_study(config, context_for(config)), core::UsageError);
  config = small_config(tmp);
  config.tasks.pairs = {"mnist-1v1"};
  EXPECT_THROW(run_study(config, context_for(config)), core::UsageError);
  config = small_config(tmp);
  config.draws = 0;
  EXPECT_THROW(run_study(config, context_for(config)), core::UsageError);
  EXPECT_FALSE(fs::exists(config.out));
}

TEST(StudyTest, RefusesAFolderThatIsNotAStudyAndASecondStudyInTheSameDirectory) {
  testing::TempDir tmp;
  StudyConfig config = small_config(tmp);
  config.tasks.pairs = {"mnist-1v2"};
  config.seeds = 1;
  fs::create_directories(config.out);
  core::write_file_atomic(config.out / "notes.txt", "mine");
  EXPECT_THROW(run_study(config, context_for(config)), core::UsageError);
  EXPECT_EQ(count_files(config.out), 1u);
  config.out = tmp / "results2";
  {
    const core::DirectoryLock other(config.out);  // as another study running there holds it
    const std::string message = testing::error_of([&] { run_study(config, context_for(config)); });
    EXPECT_NE(message.find("another netprobe process"), std::string::npos) << message;
  }
  EXPECT_EQ(run_study(config, context_for(config)).models_trained, 1);
  EXPECT_EQ(core::run_kind(config.out), core::kind::kStudy);
}

TEST(StudyTest, AnInterruptedOutputSetIsNeverReadAsAResult) {
  testing::TempDir tmp;
  StudyConfig config = one_task_binarized(tmp);
  config.seeds = 2;
  run_study(config, context_for(config));
  EXPECT_EQ(load_study_outputs(config.out).result.scores.at(0).seeds, 2);
  // A second study over the finished one stops after writing results.csv, results.json and
  // scores.json (summary.txt cannot be replaced), as a kill at that point would leave it.
  config.seeds = 3;
  fs::remove(config.out / "summary.txt");
  fs::create_directories(config.out / "summary.txt" / "blocker");
  EXPECT_THROW(run_study(config, context_for(config)), std::exception);
  EXPECT_NE(core::read_file(config.out / "results.csv").find("mnist-1v2,2,"), std::string::npos);  // 3 seeds
  const std::string message = testing::error_of([&] { load_study_outputs(config.out); });
  EXPECT_NE(message.find("incomplete results"), std::string::npos) << message;
  // Finishing the study makes the set whole again.
  fs::remove_all(config.out / "summary.txt");
  run_study(config, context_for(config));
  EXPECT_EQ(load_study_outputs(config.out).result.scores.at(0).seeds, 3);
  // A file of another run beside the set is detected too.
  core::write_file_atomic(config.out / "scores.json", "[]\n");
  const std::string mixed = testing::error_of([&] { load_study_outputs(config.out); });
  EXPECT_NE(mixed.find("scores.json: does not match manifest.json"), std::string::npos) << mixed;
}

TEST(StudyTest, ReadsBackEveryRowAndNamesAFileWithAnInvalidOne) {
  testing::TempDir tmp;
  StudyConfig config = one_task_binarized(tmp);
  const StudyResult result = run_study(config, context_for(config));
  const StudyOutputs read = load_study_outputs(config.out);
  ASSERT_EQ(read.rows.size(), result.rows.size());
  for (size_t i = 0; i < read.rows.size(); ++i) EXPECT_EQ(read.rows[i].to_json(), result.rows[i].to_json());
  // Without manifest and meta.json the directory reads as one from before manifests, so the
  // rows' own checks are what stand between a broken results.json and the report.
  fs::remove(config.out / "manifest.json");
  fs::remove(config.out / "meta.json");
  for (const auto& [text, error] :
       std::vector<std::pair<std::string, std::string>>{{"[{\"task\": 1}]", "results.json: invalid row"},
                                                        {"[1]", "results.json: invalid row"},
                                                        {"{}", "results.json: invalid row"},
                                                        {"[{\"task\": ", "results.json: invalid JSON"}}) {
    core::write_file_atomic(config.out / "results.json", text);
    const std::string message = testing::error_of([&] { load_study_outputs(config.out); });
    EXPECT_NE(message.find(error), std::string::npos) << text << " -> " << message;
  }
  core::write_file_atomic(config.out / "results.json", "[]");
  EXPECT_TRUE(load_study_outputs(config.out).rows.empty());
}

TEST(StudyTest, ResultRoundTripsThroughJson) {
  testing::TempDir tmp;
  StudyConfig config = one_task_binarized(tmp);
  const StudyResult result = run_study(config, context_for(config));
  EXPECT_TRUE(core::Json::parse(result.to_json().dump())["scores"][0]["delta_shuf"].is_null());  // not run
  const std::string summary = format_summary(result);
  EXPECT_NE(summary.find("     -   "), std::string::npos) << summary;  // shown as "-", not 0.0
  core::Json written = result.to_json();
  core::Json read_back = StudyResult::from_json(written, "test").to_json();
  written.erase("rows");  // a count; the rows themselves live in results.json
  read_back.erase("rows");
  EXPECT_EQ(read_back.dump(), written.dump());
  EXPECT_THROW(StudyResult::from_json(core::Json{{"scores", core::Json::array()}}, "x.json"), core::Error);
}

}  // namespace
}  // namespace netprobe::experiments
