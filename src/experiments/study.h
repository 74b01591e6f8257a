#pragma once
/// `netprobe study`: train (or reuse) one classifier per task and seed, run every probe sweep on
/// it, and score each task. Models and sweep results are cached under the results directory by
/// a hash of their configuration, so an interrupted study resumes where it stopped and a
/// finished one re-runs in seconds. The directory is locked while a study runs in it; the shards
/// of one study (shard.h) share it, each model's files under a lock of their own.
///
/// Layout of the results directory:
///   meta.json                         kind "study", versions (written first: marks the directory)
///   models/<task>/seed<S>-<hash>/     run directories (see classifier_run.h)
///   sweeps/<task>-seed<S>-<hash>.json the rows of one model's sweeps
///   results.csv, results.json         every row, long format
///   scores.json, summary.txt          per-task scores (and per-layer compression answers of a
///                                     layer profile) and the summary table
///   study.json                        config, versions, threads, timings
///   manifest.json                     size and hash of the five files above (written last)
///   locks/<task>-seed<S>-<hash>.lock  held while a process trains or sweeps that model
///   shards/shard-<k>-of-<n>.json      what a finished shard did (its models, its time)
///
///   StudyConfig c;  c.tasks.pairs = {"mnist-7v9"};  c.seeds = 2;  c.out = "results/7v9";
///   StudyResult r = run_study(c, ctx);   // r.scores[0].delta_bin
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/run_context.h"
#include "experiments/classifier_run.h"
#include "experiments/shard.h"
#include "experiments/study_tasks.h"
#include "probes/compression.h"
#include "probes/registry.h"
#include "probes/score.h"
#include "probes/sweep.h"

namespace netprobe::experiments {

struct StudyConfig {
  TaskSelection tasks;  ///< empty selection: PROBES.md's four default tasks
  int seeds = 10;       ///< models per task, seeds S..S+N-1 with S the context's seed (default 0)
  std::vector<std::string> probes = probes::study_probe_names();  ///< names, as --probes takes them
  ClassifierRunConfig model;                                      ///< architecture and training (task, seed ignored)
  int draws = 5;
  bool layer_profile = false;
  double max_drop = 1.0;  ///< accuracy points: the per-layer compression answer of a layer profile
  std::filesystem::path out = "results/study";
  /// "k/n": only this shard's models, trained and swept into the cache; no scores, outputs or
  /// report. Empty: inside a SLURM array task, SLURM_ARRAY_TASK_ID of shard_count (or of
  /// SLURM_ARRAY_TASK_COUNT); else the whole study.
  std::string shard;
  std::optional<int> shard_count;
  /// Score and write the outputs from the cache alone; core::Error naming what is missing.
  bool merge = false;

  /// UsageError naming the option for an empty or invalid selection.
  void validate() const;
  /// fc1, fc2, ... with a layer profile; none without.
  std::vector<std::string> profile_layers() const;
  /// The sweeps every model gets (the study preset plus the layer profile when asked).
  std::vector<probes::SweepSpec> sweeps() const;
};

/// A study resolved: its tasks, seeds and shard, as run_study runs and records them.
struct StudyPlan {
  std::vector<data::TaskSpec> tasks;
  std::vector<uint64_t> seeds;
  std::optional<Shard> shard;
  int workers = 1;  ///< models processed at once, one intra-op thread each (the context's threads)
  /// UsageError naming the option (or the SLURM variable) that does not make a study.
  static StudyPlan of(const StudyConfig& config, const core::RunContext& context);
};

struct StudyModel {
  std::string task;
  uint64_t seed = 0;
  std::filesystem::path dir;  ///< run directory, relative to the results directory
};

struct StudyResult {
  std::vector<probes::TaskScore> scores;
  /// With a layer profile: per task, the compression answer of the whole model ("all") and of
  /// each layer alone (medians over seeds); empty otherwise.
  std::map<std::string, std::vector<probes::LayerCompression>> compression;
  double max_drop = 1.0;
  std::vector<probes::SweepRow> rows;
  std::vector<StudyModel> models;
  std::string shard;        ///< "3/64" for a shard's result (no scores then); empty otherwise
  size_t models_total = 0;  ///< of the whole study, also for a shard
  int models_trained = 0, models_cached = 0, sweeps_run = 0, sweeps_cached = 0;
  double seconds = 0;
  core::Json to_json() const;  ///< scores and counts (no rows)
  /// Inverse of to_json (rows stay empty); core::Error naming `source` when a field is missing.
  static StudyResult from_json(const core::Json& json, const std::string& source);
};

/// Validates the config (UsageError), then runs it with context.threads models at once (one
/// intra-op thread each). Writes everything under config.out: a shard only its models' files and
/// its record; a merge nothing when a model is missing.
StudyResult run_study(const StudyConfig& config, const core::RunContext& context);

/// The terminal summary table (a shard's: what it did, and how to merge).
std::string format_summary(const StudyResult& result);

}  // namespace netprobe::experiments
