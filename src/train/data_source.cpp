#include "src/train/data_source.h"

#include "src/core/errors.h"
#include "src/core/seeding.h"

namespace netprobe::train {

TensorDataSource::TensorDataSource(torch::Tensor inputs, torch::Tensor targets, int64_t batch_size, uint64_t seed)
    : inputs_(std::move(inputs)), targets_(std::move(targets)), batch_size_(batch_size), seed_(seed) {
  if (batch_size_ < 0) throw core::UsageError("--batch: must be >= 0 (0 = full batch)");
  if (inputs_.size(0) != targets_.size(0)) throw core::Error("data source: inputs and targets differ in length");
  if (inputs_.size(0) == 0) throw core::Error("data source: no training examples");
  shuffled_inputs_ = inputs_;
  shuffled_targets_ = targets_;
}

void TensorDataSource::start_epoch(int epoch) {
  if (batch_size_ == 0) return;
  auto gen = core::make_generator(core::derive_seed(seed_, {core::tag_of("shuffle"), static_cast<uint64_t>(epoch)}));
  const torch::Tensor order = torch::randperm(inputs_.size(0), gen, torch::kLong);
  // One gather per epoch; batches are then contiguous slices (no per-step index_select).
  shuffled_inputs_ = inputs_.index_select(0, order);
  shuffled_targets_ = targets_.index_select(0, order);
}

int64_t TensorDataSource::batches_per_epoch() const {
  if (batch_size_ == 0) return 1;
  return (inputs_.size(0) + batch_size_ - 1) / batch_size_;
}

Batch TensorDataSource::batch(int64_t index) const {
  if (batch_size_ == 0) return {shuffled_inputs_, shuffled_targets_};
  const int64_t start = index * batch_size_;
  const int64_t end = std::min(start + batch_size_, inputs_.size(0));
  return {shuffled_inputs_.slice(0, start, end), shuffled_targets_.slice(0, start, end)};
}

}  // namespace netprobe::train
