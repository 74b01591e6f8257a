#include "src/experiments/study_outputs.h"

#include <map>

#include <fmt/format.h>

#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/core/run_dir.h"
#include "src/core/seeding.h"

namespace fs = std::filesystem;

namespace netprobe::experiments {
namespace {

using core::Json;

constexpr const char* kManifest = "manifest.json";

// The output set must be the one manifest.json vouches for. A directory of a study written before
// manifests existed (no meta.json either) is read as it is. `read` holds the texts the caller has
// already read (name -> text), so no file is read twice.
void check_manifest(const fs::path& dir, const std::map<std::string, std::string>& read) {
  std::error_code ec;
  if (!fs::exists(dir / kManifest, ec)) {
    if (!fs::exists(dir / "meta.json", ec)) return;
    throw core::Error(
        fmt::format("{}: incomplete results (no {}: a study was interrupted while writing them); "
                    "run the study again to finish them",
                    dir.string(), kManifest));
  }
  const Json manifest = core::read_json(dir / kManifest);
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_object()) {
    throw core::Error(fmt::format("{}: not a netprobe manifest", (dir / kManifest).string()));
  }
  for (const auto& [name, entry] : manifest["files"].items()) {
    const auto it = read.find(name);
    const std::string text = it != read.end() ? it->second : core::read_file(dir / name);
    const bool matches = entry.is_object() && entry.value("bytes", size_t{0}) == text.size() &&
                         entry.value("fnv1a", std::string()) == fmt::format("{:016x}", core::tag_of(text));
    if (!matches) {
      throw core::Error(fmt::format("{}: does not match {} (files of two runs are mixed); run the study again",
                                    (dir / name).string(), kManifest));
    }
  }
}

Json study_config_json(const StudyConfig& config) {
  Json tasks = Json::array();
  for (const auto& t : config.tasks) tasks.push_back(t.id());
  Json j = {{"tasks", tasks},
            {"seeds", config.seeds},
            {"probes", config.probes},
            {"draws", config.draws},
            {"layer_profile", config.layer_profile},
            {"model", config.model.to_json()},
            {"workers", config.workers},
            {"threads_per_model", 1}};
  if (config.layer_profile) j["max_drop"] = config.max_drop;
  return j;
}

}  // namespace

void write_study_meta(const StudyConfig& config) {
  core::write_meta(config.out, core::kind::kStudy, {{"config", study_config_json(config)}});
}

void write_study_outputs(const StudyConfig& config, const StudyResult& result) {
  Json scores = Json::array();
  for (const auto& s : result.scores) {
    Json score = s.to_json();
    const auto layers = result.compression.find(s.task);
    if (layers != result.compression.end()) score["compression_by_layer"] = probes::compression_json(layers->second);
    scores.push_back(score);
  }
  Json study = study_config_json(config);
  study["result"] = result.to_json();
  study["versions"] = core::versions_json();
  // The same text write_json would write, so the manifest hashes exactly the bytes on disk.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"results.csv", probes::rows_to_csv(result.rows)},
      {"results.json", probes::rows_to_json_text(result.rows) + "\n"},
      {"scores.json", scores.dump(2) + "\n"},
      {"summary.txt", format_summary(result)},
      {"study.json", study.dump(2) + "\n"}};
  std::error_code ec;
  fs::remove(config.out / kManifest, ec);  // from here until the end, no set is vouched for
  Json manifest = Json::object();
  for (const auto& [name, text] : files) {
    core::write_file_atomic(config.out / name, text);
    manifest[name] = {{"bytes", text.size()}, {"fnv1a", fmt::format("{:016x}", core::tag_of(text))}};
  }
  core::write_json(config.out / kManifest, {{"files", manifest}});
}

void write_shard_record(const StudyConfig& config, const StudyResult& result) {
  Json record = result.to_json();
  record.erase("scores");
  record["host"] = core::host_name();
  core::write_json(shard_record_path(config.out, *config.shard), record);
}

StudyOutputs load_study_outputs(const fs::path& dir) {
  StudyOutputs d;
  d.dir = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw core::Error(fmt::format("{}: not a directory", dir.string()));
  for (const char* f : {"results.json", "study.json"}) {
    if (!fs::exists(dir / f, ec)) {
      throw core::Error(fmt::format("{}: not a finished study's results directory (no {})", dir.string(), f));
    }
  }
  const fs::path rows_path = dir / "results.json", study_path = dir / "study.json";
  const std::map<std::string, std::string> texts = {{"results.json", core::read_file(rows_path)},
                                                    {"study.json", core::read_file(study_path)}};
  check_manifest(dir, texts);
  const Json rows = core::parse_json(texts.at("results.json"), rows_path);
  try {
    for (const auto& r : rows) d.rows.push_back(probes::SweepRow::from_json(r));
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid row ({})", rows_path.string(), e.what()));
  }
  d.study = core::parse_json(texts.at("study.json"), study_path);
  if (!d.study.is_object() || !d.study.contains("result")) {
    throw core::Error(fmt::format("{}: not a study record (no result)", study_path.string()));
  }
  d.result = StudyResult::from_json(d.study["result"], study_path.string());
  try {
    d.seeds = d.study.value("seeds", std::vector<uint64_t>{});
    d.probes = d.study.value("probes", std::vector<std::string>{});
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid seeds or probes ({})", study_path.string(), e.what()));
  }
  d.versions = d.study.value("versions", Json::object());
  return d;
}

}  // namespace netprobe::experiments
