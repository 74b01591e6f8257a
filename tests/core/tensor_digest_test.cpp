#include "core/tensor_digest.h"

#include <gtest/gtest.h>

namespace netprobe::core {
namespace {

TEST(TensorDigestTest, EqualSetsShareADigestAndAnyDifferenceChangesIt) {
  torch::manual_seed(1);
  const NamedTensors a{{"fc1.weight", torch::randn({4, 3})}, {"fc1.bias", torch::randn({4})}};
  NamedTensors copy;
  for (const auto& [name, t] : a) copy.emplace_back(name, t.clone());
  EXPECT_EQ(digest_of(a), digest_of(copy));
  // A transposed view holds the same values as its contiguous copy: the same digest.
  const NamedTensors view{{"w", a[0].second.t()}}, dense{{"w", a[0].second.t().contiguous()}};
  EXPECT_EQ(digest_of(view), digest_of(dense));

  NamedTensors one_value = copy;
  one_value[1].second = one_value[1].second.clone();
  one_value[1].second[2] += 1e-7f;
  NamedTensors renamed = copy;
  renamed[1].first = "fc2.bias";
  NamedTensors reshaped = copy;
  reshaped[0].second = reshaped[0].second.reshape({3, 4});
  NamedTensors retyped = copy;
  retyped[1].second = retyped[1].second.to(torch::kFloat64);
  NamedTensors reordered{copy[1], copy[0]};
  for (const NamedTensors* other : {&one_value, &renamed, &reshaped, &retyped, &reordered}) {
    EXPECT_FALSE(digest_of(a) == digest_of(*other));
  }
}

}  // namespace
}  // namespace netprobe::core
