#include "train/data_source.h"

#include "core/errors.h"
#include "core/seeding.h"

namespace netprobe::train {

TensorDataSource::TensorDataSource(torch::Tensor inputs, torch::Tensor targets, int64_t batch_size, uint64_t seed,
                                   torch::Tensor weights)
    : inputs_(std::move(inputs)),
      targets_(std::move(targets)),
      weights_(std::move(weights)),
      batch_size_(batch_size),
      seed_(seed) {
  if (batch_size_ < 0) throw core::UsageError("--batch: must be >= 0 (0 = full batch)");
  if (inputs_.size(0) != targets_.size(0)) throw core::Error("data source: inputs and targets differ in length");
  if (weights_.defined() && weights_.size(0) != inputs_.size(0)) {
    throw core::Error("data source: inputs and weights differ in length");
  }
  if (inputs_.size(0) == 0) throw core::Error("data source: no training examples");
  order_ = torch::arange(inputs_.size(0), torch::kLong);
}

void TensorDataSource::start_epoch(int epoch) {
  if (batch_size_ == 0) return;
  auto gen = core::make_generator(core::derive_seed(seed_, {core::tag_of("shuffle"), static_cast<uint64_t>(epoch)}));
  order_ = torch::randperm(inputs_.size(0), gen, torch::kLong);
}

int64_t TensorDataSource::batches_per_epoch() const {
  if (batch_size_ == 0) return 1;
  return (inputs_.size(0) + batch_size_ - 1) / batch_size_;
}

torch::Tensor TensorDataSource::rows(int64_t index) const {
  if (batch_size_ == 0) return order_;
  const int64_t start = index * batch_size_;
  return order_.slice(0, start, std::min(start + batch_size_, inputs_.size(0)));
}

Batch TensorDataSource::batch(int64_t index) const {
  if (batch_size_ == 0) return {inputs_, targets_, weights_};
  // Gathering each batch when it is needed keeps it hot in cache for the forward and backward
  // matmuls; a whole shuffled copy per epoch was 25% slower (cold reads, page faults).
  const torch::Tensor rows = this->rows(index);
  return {inputs_.index_select(0, rows), targets_.index_select(0, rows),
          weights_.defined() ? weights_.index_select(0, rows) : torch::Tensor()};
}

GeneratedDataSource::GeneratedDataSource(std::function<Batch(int)> make, int64_t examples)
    : make_(std::move(make)), examples_(examples) {
  if (examples_ < 1) throw core::Error("data source: no training examples");
}

}  // namespace netprobe::train
