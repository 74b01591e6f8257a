#include "models/classifier_tally.h"

namespace netprobe::models {

ClassifierTally::ClassifierTally(int64_t classes, TallyOptions options, const ReferenceCorrect* reference)
    : classes_(classes), options_(options), reference_(reference) {
  if (options_.macro_f1) {
    true_positive_ = torch::zeros({classes_}, torch::kLong);
    predicted_ = torch::zeros({classes_}, torch::kLong);
    actual_ = torch::zeros({classes_}, torch::kLong);
  }
}

ReferenceCorrect ClassifierTally::correct_of(const torch::Tensor& scores, const torch::Tensor& labels) {
  const torch::Tensor finite = torch::isfinite(scores).all(1);
  ReferenceCorrect c;
  c.top1 = scores.argmax(1).eq(labels).logical_and(finite);
  const int64_t k = std::min<int64_t>(5, scores.size(1));
  c.top5 = std::get<1>(scores.topk(k, 1)).eq(labels.unsqueeze(1)).any(1).logical_and(finite);
  return c;
}

void ClassifierTally::add(const torch::Tensor& scores, const torch::Tensor& labels, int64_t offset) {
  const int64_t b = scores.size(0);
  const torch::Tensor finite = torch::isfinite(scores).all(1);
  const torch::Tensor prediction = scores.argmax(1);
  const torch::Tensor right = prediction.eq(labels).logical_and(finite);
  examples_ += b;
  correct_ += right.sum().item<int64_t>();
  nonfinite_ += b - finite.sum().item<int64_t>();
  torch::Tensor right5;
  if (options_.top5 || reference_ != nullptr) {
    const int64_t k = std::min<int64_t>(5, scores.size(1));
    right5 = std::get<1>(scores.topk(k, 1)).eq(labels.unsqueeze(1)).any(1).logical_and(finite);
    top5_ += right5.sum().item<int64_t>();
  }
  if (reference_ != nullptr) {
    const torch::Tensor ref1 = reference_->top1.narrow(0, offset, b), ref5 = reference_->top5.narrow(0, offset, b);
    lost_ += ref1.logical_and(right.logical_not()).sum().item<int64_t>();
    gained_ += right.logical_and(ref1.logical_not()).sum().item<int64_t>();
    lost_top5_ += ref5.logical_and(right5.logical_not()).sum().item<int64_t>();
    gained_top5_ += right5.logical_and(ref5.logical_not()).sum().item<int64_t>();
    intact_right_ += ref1.sum().item<int64_t>();
    intact_right_top5_ += ref5.sum().item<int64_t>();
  }
  if (options_.macro_f1) {
    // A non-finite row predicts no class: it is a false negative of its label only.
    const torch::Tensor predicted = prediction.masked_select(finite);
    true_positive_ += torch::bincount(labels.masked_select(right), {}, classes_);
    predicted_ += torch::bincount(predicted, {}, classes_);
    actual_ += torch::bincount(labels, {}, classes_);
  }
}

train::ClassifierMetrics ClassifierTally::metrics(double loss_sum) const {
  train::ClassifierMetrics m;
  const auto n = static_cast<double>(examples_);
  m.examples = examples_;
  m.accuracy = 100.0 * static_cast<double>(correct_) / n;
  m.loss = loss_sum / n;
  m.nonfinite = nonfinite_;
  if (options_.top5) m.top5 = 100.0 * static_cast<double>(top5_) / n;
  if (reference_ != nullptr) {
    m.lost = lost_;
    m.gained = gained_;
    m.lost_top5 = lost_top5_;
    m.gained_top5 = gained_top5_;
    m.intact_right = intact_right_;
    m.intact_right_top5 = intact_right_top5_;
  }
  if (options_.macro_f1) {
    double sum = 0;
    int present = 0;
    for (int64_t c = 0; c < classes_; ++c) {
      const int64_t tp = true_positive_[c].item<int64_t>(), p = predicted_[c].item<int64_t>(),
                    a = actual_[c].item<int64_t>();
      if (a == 0 && p == 0) continue;  // a class that is neither in the test set nor predicted
      sum += 2.0 * static_cast<double>(tp) / static_cast<double>(p + a);
      ++present;
    }
    m.macro_f1 = present > 0 ? 100.0 * sum / present : std::numeric_limits<double>::quiet_NaN();
  }
  return m;
}

}  // namespace netprobe::models
