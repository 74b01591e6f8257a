#include "experiments/train.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/run_dir.h"
#include "data/datasets.h"

namespace netprobe::experiments {

ClassifierRunConfig TrainConfig::resolved(const core::RunContext& context) const {
  ClassifierRunConfig c = run;
  c.task.classes = data::parse_classes(classes, data::dataset_info(run.task.dataset));
  c.seed = context.seed_or(0);
  return c;
}

void TrainConfig::validate() const {
  run.validate();
  resolved({});
}

TrainResult run_train(const TrainConfig& config, const core::RunContext& context) {
  config.validate();
  const ClassifierRunConfig run = config.resolved(context);
  run.check_memory(data::kImagePixels);
  core::guard_output_dir(config.out, core::kind::kClassifier);  // before the data is loaded
  const data::Task task = data::load_task(run.task, context.data_dir);
  spdlog::info("training {} ({} train / {} test images), seed {}, {} threads", task.spec.id(), task.train_x.size(0),
               task.test_x.size(0), run.seed, context.threads);
  return {train_classifier_run(run, task, config.out, context.threads, context.progress)};
}

std::string format_train(const TrainResult& r, const std::filesystem::path& out) {
  return fmt::format("{}: train {:.2f}%  test {:.2f}%  ({:.2f}s)  -> {}\n", r.meta["task"]["id"].get<std::string>(),
                     r.meta["final"]["train_acc"].get<double>(), r.meta["final"]["test_acc"].get<double>(),
                     r.meta["train_seconds"].get<double>(), out.string());
}

}  // namespace netprobe::experiments
