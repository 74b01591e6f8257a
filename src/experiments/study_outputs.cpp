#include "experiments/study_outputs.h"

#include <fstream>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/content_hash.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/seeding.h"

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
    core::ContentHash hash;
    if (it != read.end()) {
      hash.update(it->second);
    } else {
      hash = core::hash_file(dir / name);  // in chunks: results.json and .csv can be GBs
    }
    const bool matches = entry.is_object() && entry.value("bytes", uint64_t{0}) == hash.bytes() &&
                         entry.value("fnv1a", std::string()) == fmt::format("{:016x}", hash.fnv1a());
    if (!matches) {
      throw core::Error(fmt::format("{}: does not match {} (files of two runs are mixed); run the study again",
                                    (dir / name).string(), kManifest));
    }
  }
}

// The rows of results.json, parsed from the file as it is read. Each row is converted as soon as
// it is parsed and then dropped, so neither the text nor the array as one Json is ever held whole
// (both grow with every row: peak memory of all pairs in the README).
std::vector<probes::SweepRow> read_rows(const fs::path& path) {
  std::ifstream text = core::open_for_reading(path);
  std::vector<probes::SweepRow> rows;
  const Json::parser_callback_t convert_and_drop = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth != 1 || event != Json::parse_event_t::object_end) return true;
    rows.push_back(probes::SweepRow::from_json(parsed));
    return false;
  };
  Json rest;
  try {
    rest = Json::parse(text, convert_and_drop);
  } catch (const Json::parse_error& e) {
    throw core::Error(fmt::format("{}: invalid JSON ({})", path.string(), e.what()));
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid row ({})", path.string(), e.what()));
  }
  // Every row was an object and was dropped; anything left is not a row.
  if (!rest.is_array() || !rest.empty()) {
    throw core::Error(fmt::format("{}: invalid row (expected an array of row objects)", path.string()));
  }
  return rows;
}

Json study_config_json(const StudyConfig& config, const StudyPlan& plan) {
  Json tasks = Json::array();
  for (const auto& t : plan.tasks) tasks.push_back(t.id());
  Json j = {{"tasks", tasks},
            {"seeds", plan.seeds},
            {"probes", config.probes},
            {"draws", config.draws},
            {"layer_profile", config.layer_profile},
            {"model", config.model.to_json()},
            {"workers", plan.workers},
            {"threads_per_model", 1}};
  if (config.layer_profile) j["max_drop"] = config.max_drop;
  return j;
}

}  // namespace

void write_study_meta(const StudyConfig& config, const StudyPlan& plan) {
  core::write_meta(config.out, core::kind::kStudy, {{"config", study_config_json(config, plan)}});
}

void write_study_outputs(const StudyConfig& config, const StudyPlan& plan, const StudyResult& result) {
  Json scores = Json::array();
  for (const auto& s : result.scores) {
    Json score = s.to_json();
    const auto layers = result.compression.find(s.task);
    if (layers != result.compression.end()) score["compression_by_layer"] = probes::compression_json(layers->second);
    scores.push_back(score);
  }
  Json study = study_config_json(config, plan);
  study["result"] = result.to_json();
  study["versions"] = core::versions_json();
  // The same text write_json would write, so the manifest hashes exactly the bytes on disk.
  std::error_code ec;
  fs::remove(config.out / kManifest, ec);  // from here until the end, no set is vouched for
  Json manifest = Json::object();
  const auto vouch = [&](const std::string& name, const core::ContentHash& hash) {
    manifest[name] = {{"bytes", hash.bytes()}, {"fnv1a", fmt::format("{:016x}", hash.fnv1a())}};
  };
  // The rows' JSON text (~1 KB a row) goes to the file piece by piece; the smaller texts are made,
  // written and dropped one at a time.
  core::write_atomically(config.out / "results.json", [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    core::ContentHash hash;
    const auto write = [&](std::string_view piece) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      hash.update(piece);
    };
    probes::write_rows_json(result.rows, write);
    write("\n");
    out.close();
    if (!out) throw core::Error(fmt::format("{}: cannot write file", (config.out / "results.json").string()));
    vouch("results.json", hash);
  });
  const auto with_newline = [](std::string text) { return text += '\n'; };
  const std::vector<std::pair<std::string, std::function<std::string()>>> texts = {
      {"results.csv", [&] { return probes::rows_to_csv(result.rows); }},
      {"scores.json", [&] { return with_newline(scores.dump(2)); }},
      {"summary.txt", [&] { return format_summary(result); }},
      {"study.json", [&] { return with_newline(study.dump(2)); }}};
  for (const auto& [name, make_text] : texts) {
    const std::string text = make_text();
    core::write_file_atomic(config.out / name, text);
    core::ContentHash hash;
    hash.update(text);
    vouch(name, hash);
  }
  core::write_json(config.out / kManifest, {{"files", manifest}});
}

void write_shard_record(const StudyConfig& config, const StudyPlan& plan, const StudyResult& result) {
  Json record = result.to_json();
  record.erase("scores");
  record["host"] = core::host_name();
  core::write_json(shard_record_path(config.out, *plan.shard), record);
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
  const std::map<std::string, std::string> texts = {{"study.json", core::read_file(study_path)}};
  check_manifest(dir, texts);
  d.rows = read_rows(rows_path);
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
