#pragma once
/// The files of a study's results directory, written at the end of `run_study` and read back by
/// the report: one place that knows their names and formats.
#include <filesystem>
#include <vector>

#include "experiments/study.h"

namespace netprobe::experiments {

/// meta.json (kind "study", the config, versions); written when a study starts, so a directory
/// interrupted before its first model is still recognized as a study's.
void write_study_meta(const StudyConfig& config, const StudyPlan& plan);

/// results.csv, results.json, scores.json, summary.txt and study.json, each atomically, as one
/// set: manifest.json (each file's size and FNV-1a hash) is removed first and written last, so a
/// run interrupted while writing leaves no manifest, and readers never take a mix of two runs'
/// files for a result.
void write_study_outputs(const StudyConfig& config, const StudyPlan& plan, const StudyResult& result);

/// shards/shard-<k>-of-<n>.json, atomically: the shard, its host, its models and its time. The merge
/// reads the shard counts to say which shards own missing models; people read the times.
void write_shard_record(const StudyConfig& config, const StudyPlan& plan, const StudyResult& result);

/// A finished study as the report sees it.
struct StudyOutputs {
  std::filesystem::path dir;
  std::vector<probes::SweepRow> rows;  ///< results.json
  StudyResult result;                  ///< scores and models (from study.json's "result")
  std::vector<uint64_t> seeds;
  std::vector<std::string> probes;
  core::Json versions = core::Json::object();
  core::Json study = core::Json::object();  ///< study.json as written, for display
};

/// Reads a results directory; core::Error naming the directory or file when it is not a
/// finished study, its output set is incomplete or mixed (manifest missing or not matching), or a
/// file is corrupt.
StudyOutputs load_study_outputs(const std::filesystem::path& dir);

}  // namespace netprobe::experiments
