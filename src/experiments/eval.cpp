#include "experiments/eval.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "data/datasets.h"
#include "data/task.h"
#include "experiments/classifier_run.h"

namespace netprobe::experiments {

core::Json EvalResult::to_json() const {
  core::Json classes = core::Json::array();
  for (const auto& c : per_class) {
    classes.push_back({{"label", c.label},
                       {"class", c.class_id},
                       {"name", c.name},
                       {"examples", c.examples},
                       {"accuracy", c.accuracy}});
  }
  return {{"task", task},
          {"accuracy", metrics.accuracy},
          {"loss", metrics.loss},
          {"examples", metrics.examples},
          {"per_class", classes}};
}

EvalResult run_eval(const EvalConfig& config, const core::RunContext& context) {
  ClassifierRun run = load_classifier_run(config.model);  // forward() is not const
  const data::Task task = data::load_task(run.config.task, context.data_dir);
  torch::NoGradGuard no_grad;
  EvalResult result;
  result.task = task.spec.id();
  result.metrics = train::evaluate_classifier([&](const torch::Tensor& x) { return run.model->forward(x); },
                                              task.test_x, task.test_y);
  const torch::Tensor predicted = run.model->forward(task.test_x).argmax(1);
  const auto& names = data::dataset_info(task.spec.dataset).class_names;
  for (size_t label = 0; label < task.spec.classes.size(); ++label) {
    const torch::Tensor mine = task.test_y.eq(static_cast<int64_t>(label));
    ClassAccuracy c;
    c.label = static_cast<int>(label);
    c.class_id = task.spec.classes[label];
    c.name = names.at(static_cast<size_t>(c.class_id));
    c.examples = mine.sum().item<int64_t>();
    const int64_t correct = predicted.eq(static_cast<int64_t>(label)).logical_and(mine).sum().item<int64_t>();
    c.accuracy = c.examples > 0 ? 100.0 * static_cast<double>(correct) / static_cast<double>(c.examples) : 0.0;
    result.per_class.push_back(c);
  }
  return result;
}

std::string format_eval(const EvalResult& r) {
  std::string out = fmt::format("{}: test accuracy {:.2f}% ({} images), loss {:.4f}\n", r.task, r.metrics.accuracy,
                                r.metrics.examples, r.metrics.loss);
  out += fmt::format("{:>6} {:>6} {:<14} {:>9} {:>10}\n", "label", "class", "name", "examples", "accuracy %");
  for (const auto& c : r.per_class) {
    out += fmt::format("{:>6} {:>6} {:<14} {:>9} {:>10.2f}\n", c.label, c.class_id, c.name, c.examples, c.accuracy);
  }
  return out;
}

}  // namespace netprobe::experiments
