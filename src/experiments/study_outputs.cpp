#include "src/experiments/study_outputs.h"

#include <fmt/format.h>

#include "src/core/atomic_file.h"
#include "src/core/errors.h"
#include "src/core/run_dir.h"

namespace fs = std::filesystem;

namespace netprobe::experiments {
namespace {

using core::Json;

Json study_config_json(const StudyConfig& config) {
  Json tasks = Json::array();
  for (const auto& t : config.tasks) tasks.push_back(t.id());
  return {{"tasks", tasks},
          {"seeds", config.seeds},
          {"probes", config.probes},
          {"draws", config.draws},
          {"layer_profile", config.layer_profile},
          {"model", config.model.to_json()},
          {"workers", config.workers},
          {"threads_per_model", 1}};
}

}  // namespace

void write_study_meta(const StudyConfig& config) {
  core::write_meta(config.out, core::kind::kStudy, {{"config", study_config_json(config)}});
}

void write_study_outputs(const StudyConfig& config, const StudyResult& result) {
  core::write_file_atomic(config.out / "results.csv", probes::rows_to_csv(result.rows));
  Json rows = Json::array();
  for (const auto& r : result.rows) rows.push_back(r.to_json());
  core::write_json(config.out / "results.json", rows);
  Json scores = Json::array();
  for (const auto& s : result.scores) scores.push_back(s.to_json());
  core::write_json(config.out / "scores.json", scores);
  core::write_file_atomic(config.out / "summary.txt", format_summary(result));
  Json study = study_config_json(config);
  study["result"] = result.to_json();
  study["versions"] = core::versions_json();
  core::write_json(config.out / "study.json", study);
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
  const Json rows = core::read_json(rows_path);
  try {
    for (const auto& r : rows) d.rows.push_back(probes::SweepRow::from_json(r));
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid row ({})", rows_path.string(), e.what()));
  }
  d.study = core::read_json(study_path);
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
