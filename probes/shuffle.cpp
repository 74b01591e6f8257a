// The bipartite shuffles A-G in plain loops over the weights: their tensor-op versions spent most
// of their time in nonzero, index_put and sorts (bench_probes BM_GenerateVariants), and the
// sweeps repeat them hundreds of times per model.
#include "probes/shuffle.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <ATen/Dispatch.h>
#include <fmt/format.h>

#include "core/errors.h"
#include "probes/entry_picks.h"

namespace netprobe::probes {
namespace {

// Flat positions of v's non-zero entries, ascending (NaN counts as non-zero, as in
// Tensor::nonzero). Branch-free: which entries are zero is close to random.
template <typename T>
std::vector<int64_t> nonzero_positions(const T* v, int64_t n) {
  std::vector<int64_t> pos(static_cast<size_t>(n));
  int64_t nonzero = 0;
  for (int64_t i = 0; i < n; ++i) {
    pos[nonzero] = i;
    nonzero += v[i] != T(0);
  }
  pos.resize(static_cast<size_t>(nonzero));
  return pos;
}

template <typename T>
std::vector<T> values_at(const T* v, const std::vector<int64_t>& pos) {
  std::vector<T> values(pos.size());
  for (size_t j = 0; j < pos.size(); ++j) values[j] = v[pos[j]];
  return values;
}

// Moves the non-zero entries of v[0..n) to a random order among their own positions: all of
// them (A), or the positive and the negative ones separately (B). One permutation per group,
// drawn in that order; with fewer than two non-zero entries nothing moves and nothing is drawn.
template <typename T>
void permute_nonzeros(T* v, int64_t n, bool by_sign, at::Generator& gen) {
  const std::vector<int64_t> pos = nonzero_positions(v, n);
  const auto nonzero = static_cast<int64_t>(pos.size());
  if (nonzero < 2) return;
  const std::vector<T> values = values_at(v, pos);
  std::vector<int64_t> members(static_cast<size_t>(nonzero));
  const auto permute_group = [&](int64_t size) {
    const std::vector<int64_t> perm = random_permutation(size, gen);
    for (int64_t j = 0; j < size; ++j) v[pos[members[j]]] = values[members[perm[j]]];
  };
  if (!by_sign) {
    std::iota(members.begin(), members.end(), 0);
    permute_group(nonzero);
    return;
  }
  for (const bool positive : {true, false}) {
    int64_t size = 0;  // branch-free: signs are close to random
    for (int64_t j = 0; j < nonzero; ++j) {
      members[size] = j;
      size += positive ? values[j] > T(0) : values[j] < T(0);
    }
    permute_group(size);
  }
}

// C-F: the non-zero entries are grouped per input or output node (and sign). Each entry j gets
// the key group_j + u_j with u_j ~ U(0, 1) drawn as one torch::rand of doubles; listing the
// entries by key lists each group's entries in random order, and listing them stably by group
// lists the same groups' positions in order. Group sizes match, so pairing the two lists moves
// every value to a random position of its own group. Both orders are counting sorts over the
// keys' integer parts (a key can round up to the next integer, so its own floor is used), with
// each bucket sorted by (key, j): the same order as one global sort by key.
template <typename T>
void permute_within_node_groups(T* v, int64_t n, int64_t in, ShuffleGroups groups, at::Generator& gen) {
  const std::vector<int64_t> pos = nonzero_positions(v, n);
  const auto nonzero = static_cast<int64_t>(pos.size());
  if (nonzero < 2) return;
  const std::vector<T> values = values_at(v, pos);
  std::vector<int64_t> group(static_cast<size_t>(nonzero));
  int64_t groups_count = 0;
  for (int64_t j = 0; j < nonzero; ++j) {
    const int64_t row = pos[j] / in, col = pos[j] % in, positive = values[j] > T(0);
    switch (groups) {
      case ShuffleGroups::kInputNode: group[j] = col; break;
      case ShuffleGroups::kOutputNode: group[j] = row; break;
      case ShuffleGroups::kInputNodeSign: group[j] = col * 2 + positive; break;
      default: group[j] = row * 2 + positive; break;  // kOutputNodeSign; A and B never come here
    }
    groups_count = std::max(groups_count, group[j] + 1);
  }
  const torch::Tensor u = torch::rand({nonzero}, gen, torch::kFloat64);
  const double* pu = u.data_ptr<double>();
  std::vector<double> key(static_cast<size_t>(nonzero));
  std::vector<int64_t> bucket(static_cast<size_t>(nonzero));
  for (int64_t j = 0; j < nonzero; ++j) {
    key[j] = static_cast<double>(group[j]) + pu[j];
    bucket[j] = static_cast<int64_t>(std::floor(key[j]));  // group[j], or group[j] + 1 if it rounded up
  }
  const auto counting_order = [&](const std::vector<int64_t>& of, int64_t buckets) {
    std::vector<int64_t> start(static_cast<size_t>(buckets) + 1, 0);
    for (int64_t b : of) ++start[b + 1];
    for (int64_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
    std::vector<int64_t> order(of.size());
    std::vector<int64_t> next(start.begin(), start.end() - 1);
    for (int64_t j = 0; j < nonzero; ++j) order[next[of[j]]++] = j;  // stable
    return std::make_pair(order, start);
  };
  const std::vector<int64_t> group_order = counting_order(group, groups_count).first;
  const auto [by_bucket, start] = counting_order(bucket, groups_count + 1);
  std::vector<std::pair<double, int64_t>> keyed(static_cast<size_t>(nonzero));  // contiguous for the sorts
  for (int64_t t = 0; t < nonzero; ++t) keyed[t] = {key[by_bucket[t]], by_bucket[t]};
  for (size_t b = 0; b + 1 < start.size(); ++b) std::sort(keyed.begin() + start[b], keyed.begin() + start[b + 1]);
  std::vector<int64_t> random_order(static_cast<size_t>(nonzero));
  for (int64_t t = 0; t < nonzero; ++t) random_order[t] = keyed[t].second;
  for (int64_t t = 0; t < nonzero; ++t) v[pos[group_order[t]]] = values[random_order[t]];
}

}  // namespace

torch::Tensor as_bipartite_matrix(const torch::Tensor& w) {
  if (w.dim() == 0) throw core::Error("shuffle: expected a vector, matrix or kernel, got a scalar");
  if (w.dim() == 1) return w.unsqueeze(1);
  return w.reshape({w.size(0), -1});
}

torch::Tensor shuffle_within_groups(const torch::Tensor& w, ShuffleGroups groups, at::Generator& gen) {
  const torch::Tensor m = as_bipartite_matrix(w);
  torch::Tensor out = m.reshape({-1}).contiguous().clone();
  AT_DISPATCH_FLOATING_TYPES(out.scalar_type(), "shuffle_within_groups", [&] {
    scalar_t* v = out.data_ptr<scalar_t>();
    if (groups == ShuffleGroups::kAll || groups == ShuffleGroups::kSign) {
      permute_nonzeros(v, out.numel(), groups == ShuffleGroups::kSign, gen);
    } else {
      permute_within_node_groups(v, out.numel(), m.size(1), groups, gen);
    }
  });
  return out.view(w.sizes());
}

torch::Tensor switch_positive_edges(const torch::Tensor& w, at::Generator& gen, int sweeps) {
  const torch::Tensor m = as_bipartite_matrix(w).to(torch::kFloat64).contiguous().clone();
  auto a = m.accessor<double, 2>();
  std::vector<std::pair<int64_t, int64_t>> edges;
  for (int64_t r = 0; r < m.size(0); ++r)
    for (int64_t c = 0; c < m.size(1); ++c)
      if (a[r][c] > 0) edges.emplace_back(r, c);
  if (edges.size() < 2) return w.clone();
  // One 64-bit draw from the probe's generator seeds the switching chain.
  std::mt19937_64 rng(static_cast<uint64_t>(torch::randint(0, INT64_MAX, {1}, gen, torch::kLong).item<int64_t>()));
  std::uniform_int_distribution<size_t> pick(0, edges.size() - 1);
  const int64_t attempts = static_cast<int64_t>(sweeps) * static_cast<int64_t>(edges.size());
  for (int64_t t = 0; t < attempts; ++t) {
    auto& e1 = edges[pick(rng)];
    auto& e2 = edges[pick(rng)];
    const auto [u1, v1] = e1;
    const auto [u2, v2] = e2;
    if (u1 == u2 || v1 == v2 || !(a[u1][v2] < 0) || !(a[u2][v1] < 0)) continue;
    std::swap(a[u1][v1], a[u1][v2]);
    std::swap(a[u2][v2], a[u2][v1]);
    e1 = {u1, v2};
    e2 = {u2, v1};
  }
  return m.to(w.scalar_type()).view(w.sizes());
}

ProbeStage shuffle_stage(const std::string& variant) {
  if (variant == "G") {
    return {[](const torch::Tensor& w, double, at::Generator& gen) { return switch_positive_edges(w, gen); }, false};
  }
  static const std::vector<std::pair<std::string, ShuffleGroups>> table = {
      {"A", ShuffleGroups::kAll},        {"B", ShuffleGroups::kSign},          {"C", ShuffleGroups::kInputNode},
      {"D", ShuffleGroups::kOutputNode}, {"E", ShuffleGroups::kInputNodeSign}, {"F", ShuffleGroups::kOutputNodeSign}};
  for (const auto& [name, groups] : table) {
    if (name != variant) continue;
    return {[groups = groups](const torch::Tensor& w, double, at::Generator& gen) {
              return shuffle_within_groups(w, groups, gen);
            },
            false};
  }
  throw core::UsageError(fmt::format("shuffle: unknown variant '{}'", variant));
}

const ProbeDefinition& shuffle_probe() {
  static const ProbeDefinition definition{
      .name = "shuffle",
      .description = "bipartite randomizations of each weight matrix",
      .variants = {"A", "B", "C", "D", "E", "F", "G"},
      .level = LevelMeaning::none(),
      .default_levels = {0.0},
      .signed_mode = true,
      .study_variants = {"A", "B", "C", "D", "E", "F", "G"},
      .make =
          [](const std::string& variant) {
            return Probe{{shuffle_stage(variant)}, true};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
