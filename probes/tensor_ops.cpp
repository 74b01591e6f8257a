#include "probes/tensor_ops.h"

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "src/core/errors.h"

namespace netprobe::probes {

int64_t fraction_count(double fraction, int64_t n) {
  return std::min<int64_t>(n, static_cast<int64_t>(std::floor(fraction * static_cast<double>(n) + 1e-9)));
}

torch::Tensor pick_entries(const torch::Tensor& w, int64_t k, Pick pick, at::Generator& gen) {
  const int64_t n = w.numel();
  if (k <= 0) return torch::empty({0}, torch::kLong);
  if (pick == Pick::kRandom) return torch::randperm(n, gen, torch::kLong).slice(0, 0, k);
  return std::get<1>(w.reshape({-1}).abs().topk(k, 0, /*largest=*/pick == Pick::kLargest, /*sorted=*/false));
}

torch::Tensor prune(const torch::Tensor& w, double p, Pick removed, at::Generator& gen) {
  const int64_t n = w.numel();
  const int64_t remove = n - fraction_count(1.0 - p, n);
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  out.view({-1}).index_fill_(0, pick_entries(w, remove, removed, gen), 0.0);
  return out;
}

torch::Tensor binarize(const torch::Tensor& w, bool scaled) { return scaled ? w.sign() * w.abs().mean() : w.sign(); }

torch::Tensor add_noise(const torch::Tensor& w, double a, NoiseKind kind, at::Generator& gen) {
  const torch::Tensor nonzero = w.ne(0).to(w.scalar_type());
  switch (kind) {
    case NoiseKind::kUniform: return w + (torch::rand(w.sizes(), gen, w.options()) * (2 * a) - a) * nonzero;
    case NoiseKind::kGaussian: return w + torch::randn(w.sizes(), gen, w.options()) * a * nonzero;
    case NoiseKind::kMultiplicative: return w * (1 + (torch::rand(w.sizes(), gen, w.options()) * (2 * a) - a));
  }
  return w;
}

torch::Tensor flip_signs(const torch::Tensor& w, double q, Pick pick, at::Generator& gen) {
  const torch::Tensor idx = pick_entries(w, fraction_count(q, w.numel()), pick, gen);
  torch::Tensor out = w.clone(at::MemoryFormat::Contiguous);
  torch::Tensor flat = out.view({-1});
  flat.index_put_({idx}, -flat.index({idx}));
  return out;
}

torch::Tensor as_bipartite_matrix(const torch::Tensor& w) {
  if (w.dim() == 0) throw core::Error("shuffle: expected a vector, matrix or kernel, got a scalar");
  if (w.dim() == 1) return w.unsqueeze(1);
  return w.reshape({w.size(0), -1});
}

torch::Tensor shuffle_within_groups(const torch::Tensor& w, ShuffleGroups groups, at::Generator& gen) {
  const torch::Tensor m = as_bipartite_matrix(w);
  const int64_t in = m.size(1);
  const torch::Tensor flat = m.reshape({-1});
  const torch::Tensor pos = flat.ne(0).nonzero().squeeze(1);
  if (pos.numel() < 2) return w.clone();
  const torch::Tensor values = flat.index_select(0, pos);
  if (groups == ShuffleGroups::kAll || groups == ShuffleGroups::kSign) {
    // One or two large groups: a random permutation per group (O(n)) instead of a sort. These
    // are the shuffles the prune-then-shuffle sweeps repeat hundreds of times per model.
    torch::Tensor out = flat.clone();
    const auto permute_group = [&](const torch::Tensor& members) {
      const torch::Tensor where = pos.index_select(0, members);
      const torch::Tensor perm = torch::randperm(members.numel(), gen, torch::kLong);
      out.index_put_({where}, values.index_select(0, members.index_select(0, perm)));
    };
    if (groups == ShuffleGroups::kAll) {
      permute_group(torch::arange(pos.numel(), torch::kLong));
    } else {
      permute_group(values.gt(0).nonzero().squeeze(1));
      permute_group(values.lt(0).nonzero().squeeze(1));
    }
    return out.view(w.sizes());
  }
  const torch::Tensor positive = values.gt(0).to(torch::kLong);
  const torch::Tensor row = pos.div(in, "floor"), col = pos.remainder(in);
  torch::Tensor group;
  switch (groups) {
    case ShuffleGroups::kAll:
    case ShuffleGroups::kSign:  // handled above
    case ShuffleGroups::kInputNode: group = col; break;
    case ShuffleGroups::kOutputNode: group = row; break;
    case ShuffleGroups::kInputNodeSign: group = col * 2 + positive; break;
    case ShuffleGroups::kOutputNodeSign: group = row * 2 + positive; break;
  }
  // Sorting by (group + uniform key) lists each group's entries in random order; a stable sort
  // by group lists the same groups' positions in order. Group sizes match, so pairing the two
  // lists moves every value to a random position of its own group.
  const torch::Tensor g = group.to(torch::kFloat64);
  const torch::Tensor random_order = (g + torch::rand(g.sizes(), gen, g.options())).argsort();
  const torch::Tensor group_order = std::get<1>(g.sort(/*stable=*/true, 0, false));
  torch::Tensor out = flat.clone();
  out.index_put_({pos.index_select(0, group_order)}, values.index_select(0, random_order));
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

}  // namespace netprobe::probes
