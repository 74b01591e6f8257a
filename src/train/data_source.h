#pragma once
/// Where the trainer's mini-batches come from.
///
///   TensorDataSource source(x, y, /*batch_size=*/128, /*seed=*/7);  // reshuffled every epoch
///   TensorDataSource full(x, y, /*batch_size=*/0, 0);                 // full batch (RNN GD)
#include <cstdint>
#include <functional>

#include <torch/torch.h>

namespace netprobe::train {

struct Batch {
  torch::Tensor inputs;
  torch::Tensor targets;
  torch::Tensor weights;  ///< per-entry loss weights (e.g. an RNN task's time mask); may be undefined
};

/// A source of batches for one epoch at a time.
class DataSource {
 public:
  virtual ~DataSource() = default;
  /// Prepares the order of epoch `epoch` (0-based); must be deterministic given the epoch.
  virtual void start_epoch(int epoch) = 0;
  virtual int64_t batches_per_epoch() const = 0;
  virtual Batch batch(int64_t index) const = 0;
  virtual int64_t examples() const = 0;
};

/// Mini-batches of a tensor dataset, reshuffled each epoch from a generator seeded by
/// (seed, epoch), so epoch e's order does not depend on how many epochs ran before in this
/// process (a resumed run sees the same batches). batch_size 0 means one full batch in order.
/// Optional weights (same first dimension) travel with their examples.
class TensorDataSource : public DataSource {
 public:
  TensorDataSource(torch::Tensor inputs, torch::Tensor targets, int64_t batch_size, uint64_t seed,
                   torch::Tensor weights = {});
  void start_epoch(int epoch) override;
  int64_t batches_per_epoch() const override;
  Batch batch(int64_t index) const override;
  int64_t examples() const override { return inputs_.size(0); }
  /// The example indices of batch `index` of this epoch (what batch() gathers).
  torch::Tensor rows(int64_t index) const;
  const torch::Tensor& inputs() const { return inputs_; }
  const torch::Tensor& targets() const { return targets_; }
  bool weighted() const { return weights_.defined(); }

 private:
  torch::Tensor inputs_, targets_, weights_;
  int64_t batch_size_;
  uint64_t seed_;
  torch::Tensor order_;  // this epoch's permutation of example indices
};

/// One full batch per epoch, made afresh for each epoch by `make(epoch)` (e.g. new random trials
/// of an RNN task, seeded by the epoch so a rerun sees the same batches).
class GeneratedDataSource : public DataSource {
 public:
  GeneratedDataSource(std::function<Batch(int epoch)> make, int64_t examples);
  void start_epoch(int epoch) override { current_ = make_(epoch); }
  int64_t batches_per_epoch() const override { return 1; }
  Batch batch(int64_t /*index*/) const override { return current_; }
  int64_t examples() const override { return examples_; }

 private:
  std::function<Batch(int)> make_;
  int64_t examples_;
  Batch current_;
};

}  // namespace netprobe::train
