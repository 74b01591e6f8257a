#include "src/cli/cmd_eval.h"

#include <fmt/format.h>

#include "src/experiments/classifier_run.h"

namespace netprobe::cli {

Command setup_eval(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("eval", "Re-evaluate a saved model on its task's test set");
  auto options = std::make_shared<EvalOptions>();
  cmd->add_option("--model", options->model, "Run directory written by netprobe train")->required();
  return {cmd, [options, &global] {
            options->data_dir = global.data_dir;
            const auto m = run_eval(*options);
            std::cout << fmt::format("{}: test accuracy {:.2f}% ({} images), loss {:.4f}\n", options->model.string(),
                                     m.accuracy, m.examples, m.loss);
          }};
}

train::ClassifierMetrics run_eval(const EvalOptions& options) {
  experiments::ClassifierRun run = experiments::load_classifier_run(options.model);
  const data::Task task = data::load_task(run.config.task, options.data_dir);
  torch::NoGradGuard no_grad;
  return train::evaluate_classifier([&](const torch::Tensor& x) { return run.model->forward(x); }, task.test_x,
                                    task.test_y);
}

}  // namespace netprobe::cli
