#include "train/trainer.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "train/progress_bar.h"

namespace netprobe::train {

std::vector<core::Json> fit(Optimizer& optimizer, DataSource& source, const StepFn& step, const TrainConfig& config,
                            const EpochEvalFn& evaluate, const std::vector<EpochCallback>& callbacks) {
  if (config.epochs < 1) throw core::UsageError(fmt::format("--epochs: must be >= 1, got {}", config.epochs));
  const int64_t steps = source.batches_per_epoch();
  ProgressBar bar(config.label, steps * config.epochs, config.progress);
  std::vector<core::Json> history;
  const auto run_start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const double lr = lr_at(config.schedule, optimizer.base_lr(), epoch, config.epochs);
    optimizer.set_lr(lr);
    source.start_epoch(epoch);
    double loss_sum = 0.0;
    int64_t seen = 0;
    torch::Tensor correct = torch::zeros({}, torch::kLong);
    bool has_accuracy = false;
    for (int64_t i = 0; i < steps; ++i) {
      const Batch batch = source.batch(i);
      optimizer.zero_grad();
      StepOutput out = step(batch);
      const double loss = out.loss.item<double>();
      if (!std::isfinite(loss)) {
        throw core::Error(fmt::format("{}: loss became {} at epoch {} step {} (try a smaller --lr)", config.label, loss,
                                      epoch + 1, i + 1));
      }
      out.loss.backward();
      optimizer.step();
      const int64_t n = batch.inputs.size(0);
      loss_sum += loss * static_cast<double>(n);
      seen += n;
      if (out.correct.defined()) {
        correct += out.correct;
        has_accuracy = true;
      }
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
      bar.update(epoch * steps + i + 1,
                 fmt::format("epoch {}/{} loss {:.4f} {:.0f} samples/s", epoch + 1, config.epochs,
                             loss_sum / static_cast<double>(seen),
                             static_cast<double>(epoch * source.examples() + seen) / std::max(elapsed, 1e-9)));
    }
    core::Json record = {{"epoch", epoch + 1}, {"lr", lr}, {"loss", loss_sum / static_cast<double>(seen)}};
    if (has_accuracy) {
      record["train_acc"] = 100.0 * static_cast<double>(correct.item<int64_t>()) / static_cast<double>(seen);
    }
    if (evaluate) record.update(evaluate(epoch));
    record["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    for (const auto& callback : callbacks) callback(record);
    history.push_back(std::move(record));
  }
  bar.finish();
  return history;
}

}  // namespace netprobe::train
