#include "cli/cmd_train.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/errors.h"
#include "core/run_dir.h"
#include "core/runtime.h"

namespace netprobe::cli {
Command setup_train(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("train", "Train one classifier and write a run directory");
  struct Raw {
    std::string dataset = "mnist", classes, activation = "relu", optimizer = "adam", schedule = "cosine";
    std::vector<int64_t> hidden{64};
    int epochs = 10;
    int64_t batch = 128;
    double lr = 0.01;
    std::string out;
  };
  auto raw = std::make_shared<Raw>();
  cmd->add_option("--dataset", raw->dataset, "mnist or fashion-mnist")->capture_default_str();
  cmd->add_option("--classes", raw->classes, "Classes, first = label 0: 7,9 or 3-1 or all")->required();
  cmd->add_option("--hidden", raw->hidden, "Hidden layer sizes, e.g. 64 or 256,128,64")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--activation", raw->activation, "relu, tanh or sigmoid")->capture_default_str();
  cmd->add_option("--epochs", raw->epochs, "Training epochs")->capture_default_str();
  cmd->add_option("--batch", raw->batch, "Mini-batch size (0 = full batch)")->capture_default_str();
  cmd->add_option("--lr", raw->lr, "Learning rate")->capture_default_str();
  cmd->add_option("--optimizer", raw->optimizer, "adam or sgd")->capture_default_str();
  cmd->add_option("--schedule", raw->schedule, "cosine (per epoch) or constant")->capture_default_str();
  cmd->add_option("--out", raw->out, "Run directory to write")->required();
  return {cmd, [raw, &global] {
            TrainOptions o;
            const auto& info = data::dataset_info(raw->dataset);
            o.run.task = data::TaskSpec{raw->dataset, data::parse_classes(raw->classes, info)};
            o.run.hidden = raw->hidden;
            o.run.activation = models::parse_activation(raw->activation);
            o.run.epochs = raw->epochs;
            o.run.batch = raw->batch;
            o.run.lr = raw->lr;
            o.run.optimizer = train::parse_optimizer(raw->optimizer);
            o.run.schedule = train::parse_lr_schedule(raw->schedule);
            o.run.seed = global.seed;
            o.out = raw->out;
            o.data_dir = global.data_dir;
            o.threads = torch::get_num_threads();
            o.progress = !global.quiet;
            const core::Json meta = run_train(o);
            std::cout << fmt::format("{}: train {:.2f}%  test {:.2f}%  ({:.2f}s)  -> {}\n",
                                     meta["task"]["id"].get<std::string>(), meta["final"]["train_acc"].get<double>(),
                                     meta["final"]["test_acc"].get<double>(), meta["train_seconds"].get<double>(),
                                     o.out.string());
          }};
}

core::Json run_train(const TrainOptions& options) {
  const auto& r = options.run;
  r.validate();
  r.check_memory(data::kImagePixels);
  core::guard_output_dir(options.out, core::kind::kClassifier);  // before the data is loaded
  const data::Task task = data::load_task(r.task, options.data_dir);
  spdlog::info("training {} ({} train / {} test images), seed {}, {} threads", task.spec.id(), task.train_x.size(0),
               task.test_x.size(0), r.seed, options.threads);
  return experiments::train_classifier_run(r, task, options.out, options.threads, options.progress);
}

}  // namespace netprobe::cli
