#pragma once
/// `netprobe study`: train (or reuse) one classifier per task and seed, run every probe sweep on
/// it, and score each task. Models and sweep results are cached under the results directory by
/// a hash of their configuration, so an interrupted study resumes where it stopped and a
/// finished one re-runs in seconds.
///
/// Layout of the results directory:
///   models/<task>/seed<S>-<hash>/     run directories (see models/classifier_run.h)
///   sweeps/<task>-seed<S>-<hash>.json the rows of one model's sweeps
///   results.csv, results.json         every row, long format
///   scores.json, summary.txt          per-task scores and the summary table
///   study.json                        config, versions, threads, timings
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/classifier_run.h"
#include "probes/score.h"
#include "probes/sweep.h"

namespace netprobe::probes {

/// Probe groups a study can run; "combined" is prune-then-shuffle (prune-then-binarize is the
/// signed pruning sweep).
const std::vector<std::string>& study_probe_names();

/// The sweeps of the selected probe groups with their default grids, variants and controls,
/// each evaluated full precision and signed. `layers` adds a layer profile (magnitude pruning,
/// binarization and shuffle B of one layer at a time) for each named layer.
std::vector<SweepSpec> default_sweeps(const std::vector<std::string>& probes, int draws,
                                      const std::vector<std::string>& layers = {});

struct StudyConfig {
  std::vector<data::TaskSpec> tasks;
  std::vector<uint64_t> seeds;                 ///< model seeds
  std::vector<std::string> probes = study_probe_names();
  models::ClassifierRunConfig model;           ///< architecture and training (task, seed ignored)
  int draws = 5;
  bool layer_profile = false;
  std::filesystem::path out = "results/study";
  std::optional<std::filesystem::path> data_dir;
  int workers = 1;                             ///< models processed concurrently, 1 thread each
  bool progress = true;
};

struct StudyModel {
  std::string task;
  uint64_t seed = 0;
  std::filesystem::path dir;  ///< run directory, relative to the results directory
};

struct StudyResult {
  std::vector<TaskScore> scores;
  std::vector<SweepRow> rows;
  std::vector<StudyModel> models;
  int models_trained = 0, models_cached = 0, sweeps_run = 0, sweeps_cached = 0;
  double seconds = 0;
  core::Json to_json() const;  ///< scores and counts (no rows)
};

/// Validates the config (UsageError), then runs it. Writes everything under config.out.
StudyResult run_study(const StudyConfig& config);

/// The terminal summary table.
std::string format_summary(const StudyResult& result);

/// The standard deviation of all weight-matrix entries (biases excluded): the unit of noise
/// levels.
double weight_sigma(const core::NamedTensors& params);

}  // namespace netprobe::probes
