#include "probes/entry_picks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>
#include <tuple>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Dispatch.h>

namespace netprobe::probes {
namespace {

// Sort key of one float entry: its magnitude's bit pattern, which orders non-negative floats
// (NaN above infinity); complemented for the largest magnitudes.
uint32_t magnitude_bits(float v, bool largest) {
  uint32_t bits = 0;
  const float a = std::fabs(v);
  std::memcpy(&bits, &a, sizeof bits);
  return largest ? ~bits : bits;
}

// Radix selection: a histogram of the keys' top 12 bits finds the bucket the k-th key falls in;
// every key below that bucket is picked, and only the bucket itself is partially sorted, by
// (key, index) so ties go to the lower index. Compactions are branch-free (signs and
// magnitudes are random, so branches would mispredict half the time).
std::vector<int64_t> float_magnitude_entries(const float* w, int64_t n, int64_t k, bool largest) {  // 0 < k < n
  constexpr int kShift = 20;
  std::vector<uint32_t> keys(static_cast<size_t>(n));
  std::vector<int64_t> count(size_t{1} << (32 - kShift), 0);
  for (int64_t i = 0; i < n; ++i) {
    keys[i] = magnitude_bits(w[i], largest);
    ++count[keys[i] >> kShift];
  }
  uint32_t bucket = 0;
  int64_t below = 0;
  while (below + count[bucket] <= k) below += count[bucket++];
  std::vector<int64_t> out(static_cast<size_t>(n));
  std::vector<uint64_t> tied(static_cast<size_t>(count[bucket]) + 1);  // + 1: the branch-free writes
  int64_t picked = 0, in_bucket = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t b = keys[i] >> kShift;
    out[picked] = i;
    picked += b < bucket;
    tied[in_bucket] = (static_cast<uint64_t>(keys[i]) << 32) | static_cast<uint64_t>(i);
    in_bucket += b == bucket;
  }
  const int64_t need = k - below;
  std::nth_element(tied.begin(), tied.begin() + need, tied.begin() + in_bucket);
  for (int64_t j = 0; j < need; ++j) out[picked++] = static_cast<int64_t>(tied[j] & 0xffffffffu);
  out.resize(static_cast<size_t>(k));
  return out;
}

// Other dtypes: the same order by (NaN last, |w|, index), ascending or, for the largest,
// with NaN first and |w| descending.
template <typename T>
std::vector<int64_t> generic_magnitude_entries(const T* w, int64_t n, int64_t k, bool largest) {
  std::vector<std::tuple<bool, double, int64_t>> keys(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double a = std::abs(static_cast<double>(w[i]));
    keys[i] = {std::isnan(a) != largest, std::isnan(a) ? 0.0 : (largest ? -a : a), i};
  }
  std::nth_element(keys.begin(), keys.begin() + k, keys.end());
  std::vector<int64_t> out(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) out[i] = std::get<2>(keys[i]);
  return out;
}

}  // namespace

std::vector<int64_t> random_permutation_prefix(int64_t n, int64_t k, at::Generator& gen) {
  if (n >= std::numeric_limits<uint32_t>::max()) {
    const torch::Tensor perm = torch::randperm(n, gen, torch::kLong).slice(0, 0, k);
    return {perm.data_ptr<int64_t>(), perm.data_ptr<int64_t>() + perm.numel()};
  }
  k = std::clamp<int64_t>(k, 0, n);
  std::vector<int64_t> r(static_cast<size_t>(n));
  std::iota(r.begin(), r.end(), 0);
  std::lock_guard<std::mutex> lock(gen.mutex());
  auto* engine = gen.get<at::CPUGeneratorImpl>();
  // ATen's randperm: step i swaps r[i] with r[i + random() % (n - i)], for i < n - 1. Steps at
  // or past k only move entries beyond the prefix, so they only draw.
  for (int64_t i = 0; i < n - 1; ++i) {
    const uint32_t draw = engine->random();
    if (i < k) std::swap(r[i], r[i + draw % static_cast<uint32_t>(n - i)]);
  }
  r.resize(static_cast<size_t>(k));
  return r;
}

std::vector<int64_t> magnitude_entries(const torch::Tensor& w, int64_t k, bool largest) {
  const torch::Tensor flat = w.reshape({-1}).contiguous();
  const int64_t n = flat.numel();
  k = std::clamp<int64_t>(k, 0, n);
  if (k == 0) return {};
  if (k == n) {
    std::vector<int64_t> all(static_cast<size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  if (flat.scalar_type() == torch::kFloat && n < std::numeric_limits<uint32_t>::max()) {
    return float_magnitude_entries(flat.data_ptr<float>(), n, k, largest);
  }
  std::vector<int64_t> out;
  AT_DISPATCH_FLOATING_TYPES(flat.scalar_type(), "magnitude_entries",
                             [&] { out = generic_magnitude_entries(flat.data_ptr<scalar_t>(), n, k, largest); });
  return out;
}

int64_t fraction_count(double fraction, int64_t n) {
  return std::min<int64_t>(n, static_cast<int64_t>(std::floor(fraction * static_cast<double>(n) + 1e-9)));
}

torch::Tensor pick_entries(const torch::Tensor& w, int64_t k, Pick pick, at::Generator& gen) {
  const int64_t n = w.numel();
  if (k <= 0) return torch::empty({0}, torch::kLong);
  if (pick == Pick::kRandom) return to_index_tensor(random_permutation_prefix(n, k, gen));
  return to_index_tensor(magnitude_entries(w, k, pick == Pick::kLargest));
}

torch::Tensor to_index_tensor(const std::vector<int64_t>& indices) {
  torch::Tensor out = torch::empty({static_cast<int64_t>(indices.size())}, torch::kLong);
  std::copy(indices.begin(), indices.end(), out.data_ptr<int64_t>());
  return out;
}

int64_t count_changed(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != torch::kFloat || b.scalar_type() != torch::kFloat || !a.is_contiguous() ||
      !b.is_contiguous() || a.sizes() != b.sizes()) {
    return a.ne(b).sum().item<int64_t>();
  }
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  int64_t changed = 0;
  for (int64_t i = 0, n = a.numel(); i < n; ++i) changed += pa[i] != pb[i];
  return changed;
}

int64_t count_zeros(const torch::Tensor& t) {
  if (t.scalar_type() != torch::kFloat || !t.is_contiguous()) return t.eq(0).sum().item<int64_t>();
  const float* p = t.data_ptr<float>();
  int64_t zeros = 0;
  for (int64_t i = 0, n = t.numel(); i < n; ++i) zeros += p[i] == 0.0f;
  return zeros;
}

torch::Tensor pruned_by_magnitude(const torch::Tensor& scores, double p) {
  const int64_t n = scores.numel();
  return to_index_tensor(magnitude_entries(scores, n - fraction_count(1.0 - p, n), /*largest=*/false));
}

}  // namespace netprobe::probes
