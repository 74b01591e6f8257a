#include "probes/entry_picks.h"

#include <limits>

#include <gtest/gtest.h>

#include "core/seeding.h"

namespace netprobe::probes {
namespace {

std::vector<int64_t> as_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kLong).contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

std::vector<int64_t> sorted_copy(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The first k flat indices in order of (|w| ascending, or descending when `largest`; then index).
std::vector<int64_t> reference_magnitude_entries(const torch::Tensor& w, int64_t k, bool largest) {
  const torch::Tensor a = w.reshape({-1}).abs().to(torch::kFloat64);
  const torch::Tensor order = std::get<1>((largest ? -a : a).sort(/*stable=*/true, 0, false));
  return sorted_copy(as_vector(order.slice(0, 0, k)));
}

TEST(EntryPicksTest, RandomPermutationPrefixIsTorchRandpermAndLeavesTheSameGeneratorState) {
  for (int64_t n : {0, 1, 2, 7, 1000, 50176}) {
    for (int64_t k : {int64_t{0}, n / 3, n}) {
      at::Generator ours = core::make_generator(11), torchs = core::make_generator(11);
      const std::vector<int64_t> prefix = random_permutation_prefix(n, k, ours);
      const torch::Tensor full = torch::randperm(n, torchs, torch::kLong);
      EXPECT_EQ(prefix, as_vector(full.slice(0, 0, k))) << n << " " << k;
      // The next draw from either generator is the same: both consumed n - 1 draws.
      EXPECT_TRUE(torch::rand({4}, ours).equal(torch::rand({4}, torchs))) << n << " " << k;
    }
  }
}

TEST(EntryPicksTest, MagnitudeEntriesAreTheSmallestOrLargestWithTiesToTheLowerIndex) {
  // Magnitudes 0, 1 and 2 repeated, so every k cuts through a tie.
  const torch::Tensor w = torch::tensor({2.f, -1.f, 0.f, 1.f, -2.f, 0.f, 1.f, 2.f, -1.f, 0.f, -2.f, 1.f});
  for (bool largest : {false, true}) {
    for (int64_t k = 0; k <= w.numel(); ++k) {
      EXPECT_EQ(sorted_copy(magnitude_entries(w, k, largest)), reference_magnitude_entries(w, k, largest))
          << largest << " " << k;
      // Doubles take the generic path and give the same picks.
      EXPECT_EQ(sorted_copy(magnitude_entries(w.to(torch::kFloat64), k, largest)),
                reference_magnitude_entries(w, k, largest))
          << largest << " " << k;
    }
  }
  EXPECT_EQ(sorted_copy(magnitude_entries(w, 4, true)), (std::vector<int64_t>{0, 4, 7, 10}));
  EXPECT_EQ(sorted_copy(magnitude_entries(w, 4, false)), (std::vector<int64_t>{1, 2, 5, 9}));
}

TEST(EntryPicksTest, MagnitudeEntriesOfARandomMatrixMatchASort) {
  auto gen = core::make_generator(3);
  const torch::Tensor w = torch::randn({64, 784}, gen);
  for (int64_t k : {1, 5017, 25088, 50175}) {
    EXPECT_EQ(sorted_copy(magnitude_entries(w, k, false)), reference_magnitude_entries(w, k, false)) << k;
    EXPECT_EQ(sorted_copy(magnitude_entries(w, k, true)), reference_magnitude_entries(w, k, true)) << k;
  }
}

TEST(EntryPicksTest, NanCountsAsTheLargestMagnitude) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const torch::Tensor w = torch::tensor({0.5f, inf, nan, -3.f, 1.f});
  for (const torch::Tensor& t : {w, w.to(torch::kFloat64)}) {
    EXPECT_EQ(sorted_copy(magnitude_entries(t, 1, true)), std::vector<int64_t>{2});
    EXPECT_EQ(sorted_copy(magnitude_entries(t, 2, true)), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(sorted_copy(magnitude_entries(t, 4, false)), (std::vector<int64_t>{0, 1, 3, 4}));
  }
}

TEST(EntryPicksTest, CountsMatchTensorReductionsIncludingNanAndStridedInputs) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const torch::Tensor a = torch::tensor({{0.f, 1.f, nan}, {-0.f, 2.f, 3.f}});
  const torch::Tensor b = torch::tensor({{0.f, -1.f, nan}, {0.f, 2.f, 4.f}});
  EXPECT_EQ(count_changed(a, b), 3);  // 1 vs -1, NaN vs NaN, 3 vs 4
  EXPECT_EQ(count_changed(a, b), a.ne(b).sum().item<int64_t>());
  EXPECT_EQ(count_zeros(a), 2);               // -0 is zero
  EXPECT_EQ(count_changed(a.t(), b.t()), 3);  // strided: the tensor-op path
  EXPECT_EQ(count_zeros(a.t()), 2);
  EXPECT_EQ(count_changed(a.to(torch::kFloat64), b.to(torch::kFloat64)), 3);
}

TEST(EntryPicksTest, FractionCountIsFloorRobustToRoundOff) {
  EXPECT_EQ(fraction_count(0.7, 10), 7);
  EXPECT_EQ(fraction_count(1 - 0.3, 10), 7);
  EXPECT_EQ(fraction_count(0.999, 50176), 50125);
  EXPECT_EQ(fraction_count(0.35, 3), 1);
  EXPECT_EQ(fraction_count(1.0, 64), 64);
}

}  // namespace
}  // namespace netprobe::probes
