#include "experiments/compress.h"

#include <cmath>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "probes/presets.h"
#include "train/progress_bar.h"

namespace netprobe::experiments {

void CompressConfig::validate() const {
  if (!std::isfinite(max_drop) || max_drop < 0 || max_drop > 100) {
    throw core::UsageError(fmt::format("--max-drop: must be in [0, 100] accuracy points, got {}", max_drop));
  }
  if (draws < 1) throw core::UsageError(fmt::format("--draws: must be >= 1, got {}", draws));
  probes::RoleSet::parse_include(source.include);
}

core::Json CompressConfig::to_json() const {
  core::Json j = {{"model", source.model.string()},
                  {"data", source.data},
                  {"input_shape", source.input_shape},
                  {"batch", source.batch},
                  {"loss", source.loss},
                  {"max_drop", max_drop},
                  {"draws", draws}};
  return j;
}

core::Json CompressResult::to_json() const {
  core::Json rows_json = core::Json::array();
  for (const auto& r : rows) rows_json.push_back(r.to_json());
  return {{"model_kind", model_kind}, {"task", task},         {"seed", seed},
          {"classes", classes},       {"max_drop", max_drop}, {"layers", probes::compression_json(layers)},
          {"rows", rows_json}};
}

CompressResult CompressResult::from_json(const core::Json& j, const std::string& source) {
  try {
    CompressResult r;
    r.model_kind = j.at("model_kind").get<std::string>();
    r.task = j.at("task").get<std::string>();
    r.seed = j.at("seed").get<uint64_t>();
    r.classes = j.at("classes").get<int>();
    r.max_drop = j.at("max_drop").get<double>();
    for (const auto& l : j.at("layers")) r.layers.push_back(l.get<probes::LayerCompression>());
    r.rows = probes::rows_from_json(j.at("rows"), source);
    return r;
  } catch (const core::Json::exception& e) {
    throw core::Error(fmt::format("{}: not a compression result ({})", source, core::first_line(e.what())));
  }
}

CompressResult run_compress(const CompressConfig& config, const core::RunContext& context) {
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kCompression);
  const ProbeModel model = load_probe_model(config.source, context);
  check_scope(model.target, "all");  // a model with nothing to probe: UsageError naming its layers

  std::vector<probes::Scope> scopes{probes::Scope::all()};
  for (const auto& layer : model.target.probed_layers()) scopes.push_back(probes::Scope::parse(layer));
  std::map<std::string, double> sigma_w;
  for (const auto& scope : scopes) {
    sigma_w[scope.label()] = probes::weight_sigma(model.target.params, model.target.select(scope));
  }
  const std::vector<probes::SweepSpec> specs = probes::compression_preset(scopes, config.draws);

  train::ProgressBar bar("compress", probes::count_evaluations(specs), context.progress);
  probes::SweepContext sweep{model.task, model.seed};
  sweep.progress = [&](int64_t done, int64_t) { bar.update(done, ""); };
  CompressResult result;
  result.model_kind = model.kind;
  result.task = model.task;
  result.seed = model.seed;
  result.classes = static_cast<int>(model.classes);
  result.max_drop = config.max_drop;
  result.rows = probes::run_sweeps(model.target, specs, model.evaluate, sweep);
  bar.finish();
  result.layers = probes::compress_by_layer(result.rows, scopes, sigma_w, result.classes, config.max_drop);
  if (config.out.empty()) return result;

  core::StagedDirectory staged(config.out, core::kind::kCompression);
  core::write_file_atomic(staged.staging() / "results.csv", probes::rows_to_csv(result.rows));
  core::write_json(staged.staging() / "compression.json", result.to_json());
  core::Json config_json = config.to_json();
  config_json["seed"] = model.seed;  // the draws' seed: --seed, else the run's
  core::write_meta(staged.staging(), core::kind::kCompression, {{"config", config_json}});
  staged.commit();
  return result;
}

CompressResult load_compress_result(const std::filesystem::path& dir) {
  core::open_run(dir, core::kind::kCompression, "DIR");
  const std::filesystem::path file = dir / "compression.json";
  return CompressResult::from_json(core::read_json(file), file.string());
}

}  // namespace netprobe::experiments
