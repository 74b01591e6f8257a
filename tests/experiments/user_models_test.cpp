// Users' models as the probes see them: every layer a module's weight (or a block of its rows) with
// its parameters in their roles, layers disjoint, `all` their union, and biases and norm parameters
// left alone unless included: checked on the tensors, for a conv net with batch norm, a residual
// and a depthwise conv (built here), a transformer encoder layer and an LSTM (built by PyTorch).
#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"
#include "core/run_dir.h"
#include "core/seeding.h"
#include "experiments/compress.h"
#include "experiments/probe_model.h"
#include "probes/binarize.h"
#include "probes/prune_heads.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::experiments {
namespace {

namespace fs = std::filesystem;
using models::TensorRole;

probes::ProbeTarget target_of(const fs::path& model, const std::string& include = "", bool split = false) {
  ProbeModelSource source;
  source.model = model;
  source.include = include;
  source.split_attention = split;
  source.split_gates = split;
  return load_probe_target(source);
}

std::vector<std::string> layer_names(const probes::ProbeTarget& t) { return t.layers.names(); }

// No entry of any parameter belongs to two layers; with every role included, every entry of every
// parameter belongs to one; `all` is the union of the layers' selections.
void expect_disjoint_and_complete(const probes::ProbeTarget& t) {
  std::vector<std::vector<int>> owners(t.params.size());
  for (size_t i = 0; i < t.params.size(); ++i) {
    owners[i].assign(static_cast<size_t>(t.params[i].second.dim() > 0 ? t.params[i].second.size(0) : 1), 0);
  }
  for (const auto& layer : t.layers.layers) {
    for (const auto& part : layer.parts) {
      for (int64_t r = part.row_begin; r < part.row_end; ++r) ++owners[part.parameter][static_cast<size_t>(r)];
    }
  }
  for (size_t i = 0; i < owners.size(); ++i) {
    for (int count : owners[i]) EXPECT_EQ(count, 1) << t.params[i].first;
  }
  int64_t union_entries = 0;
  for (const auto& name : t.probed_layers()) union_entries += t.select(probes::Scope::parse(name)).entries();
  EXPECT_EQ(t.select(probes::Scope::all()).entries(), union_entries);
}

// The entries of every parameter a module owns as its weight or embedding (rank >= 2 here).
int64_t weight_entries(const probes::ProbeTarget& t) {
  int64_t n = 0;
  for (const auto& layer : t.layers.layers) {
    for (const auto& part : layer.parts) {
      if (part.role == TensorRole::kWeight || part.role == TensorRole::kEmbedding) n += part.entries();
    }
  }
  return n;
}

// Binarizing `all` changes the weights and, unless included, no bias or norm parameter.
void expect_roles_respected(const fs::path& model) {
  for (const std::string include : {"", "biases,norms"}) {
    const probes::ProbeTarget t = target_of(model, include);
    auto gen = core::make_generator(0);
    const auto out =
        probes::apply_probe(probes::binarize_probe().build("sign"), t.params, t.select(probes::Scope::all()), 0, gen);
    for (const auto& layer : t.layers.layers) {
      for (const auto& part : layer.parts) {
        const bool same = probes::part_of(out.tensors, part).equal(probes::part_of(t.params, part));
        const bool weight = part.role == TensorRole::kWeight || part.role == TensorRole::kEmbedding;
        EXPECT_EQ(same, !weight && include.empty()) << model << " " << part.name << " include '" << include << "'";
      }
    }
  }
}

TEST(UserModelsTest, AConvNetWithBatchNormAResidualAndADepthwiseConv) {
  testing::TempDir tmp;
  testing::residual_cnn(3, 1).save((tmp / "cnn.pt").string());
  const probes::ProbeTarget t = target_of(tmp / "cnn.pt");
  EXPECT_EQ(layer_names(t), (std::vector<std::string>{"c1", "bn", "dw", "fc"}));
  EXPECT_EQ(t.layers.find("bn")->module_type, "BatchNorm2d");
  EXPECT_EQ(t.layers.find("bn")->parts[0].role, TensorRole::kNormScale);
  EXPECT_EQ(t.layers.find("bn")->parts[1].role, TensorRole::kNormShift);
  EXPECT_EQ(t.layers.find("dw")->parts[1].role, TensorRole::kBias);
  EXPECT_EQ(t.probed_layers(), (std::vector<std::string>{"c1", "dw", "fc"}));  // a batch norm has no weight
  EXPECT_EQ(t.select(probes::Scope::all()).entries(), 36 + 36 + 12);
  EXPECT_EQ(t.select(probes::Scope::all()).entries(), weight_entries(t));
  EXPECT_EQ(target_of(tmp / "cnn.pt", "norms").probed_layers().size(), 4u);
  expect_disjoint_and_complete(target_of(tmp / "cnn.pt", "biases,norms"));
  expect_roles_respected(tmp / "cnn.pt");
}

TEST(UserModelsTest, ATransformerEncoderLayerAndAnLstmFromPyTorch) {
  testing::TempDir tmp;
  if (!testing::python_models(tmp.path())) GTEST_SKIP() << "python3-torch is not installed: no PyTorch-built models";
  const probes::ProbeTarget tf = target_of(tmp / "transformer.pt");
  const std::string attention = "encoder.self_attn";
  EXPECT_EQ(layer_names(tf),
            (std::vector<std::string>{"emb", attention + ".in_proj", attention + ".out_proj", "encoder.linear1",
                                      "encoder.linear2", "encoder.norm1", "encoder.norm2", "head"}));
  // out_proj is its own layer, never a part of the attention's: no entry is probed twice.
  EXPECT_EQ(tf.layers.find(attention + ".in_proj")->parts[0].shape, (std::vector<int64_t>{48, 16}));
  EXPECT_EQ(tf.layers.find(attention + ".in_proj")->heads, 4);
  EXPECT_EQ(tf.layers.find("emb")->parts[0].role, TensorRole::kEmbedding);
  EXPECT_EQ(tf.select(probes::Scope::all()).entries(), 160 + 768 + 256 + 512 + 512 + 48);
  EXPECT_EQ(tf.select(probes::Scope::all()).entries(), weight_entries(tf));
  expect_disjoint_and_complete(target_of(tmp / "transformer.pt", "biases,norms"));
  // Split: q, k, v are three layers of 16 rows each of the one in_proj_weight (and its bias).
  const probes::ProbeTarget split = target_of(tmp / "transformer.pt", "biases", true);
  for (const char* block : {"q", "k", "v"}) {
    const models::Layer* l = split.layers.find(attention + "." + block);
    ASSERT_NE(l, nullptr) << block;
    EXPECT_EQ(l->parts[0].shape, (std::vector<int64_t>{16, 16})) << block;
    EXPECT_EQ(l->parts[1].role, TensorRole::kBias);
  }
  EXPECT_EQ(split.layers.find(attention + ".v")->parts[0].row_begin, 32);
  expect_disjoint_and_complete(target_of(tmp / "transformer.pt", "biases,norms", true));
  expect_roles_respected(tmp / "transformer.pt");

  const probes::ProbeTarget lstm = target_of(tmp / "lstm.pt");
  std::vector<std::string> expected;
  for (const char* l : {"l0", "l0_reverse", "l1", "l1_reverse"}) {
    for (const char* w : {"weight_ih_", "weight_hh_"}) expected.push_back(std::string("lstm.") + w + l);
  }
  expected.push_back("fc");
  std::vector<std::string> names = layer_names(lstm);
  std::sort(names.begin(), names.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
  EXPECT_EQ(lstm.layers.find("lstm.weight_ih_l0")->parts[1].name, "lstm.bias_ih_l0");
  EXPECT_EQ(lstm.select(probes::Scope::all()).entries(), weight_entries(lstm));
  const probes::ProbeTarget gates = target_of(tmp / "lstm.pt", "biases", true);
  const models::Layer* g = gates.layers.find("lstm.weight_hh_l1_reverse.g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->parts[0].row_begin, 16);  // LSTM gates i, f, g, o: rows of 8 each
  EXPECT_EQ(g->parts[0].shape, (std::vector<int64_t>{8, 8}));
  expect_disjoint_and_complete(target_of(tmp / "lstm.pt", "biases,norms", true));
  expect_roles_respected(tmp / "lstm.pt");
}

TEST(UserModelsTest, HeadsArePrunedWholeInTheirQueryKeyAndValueRows) {
  testing::TempDir tmp;
  if (!testing::python_models(tmp.path())) GTEST_SKIP() << "python3-torch is not installed: no PyTorch-built models";
  const probes::ProbeTarget tf = target_of(tmp / "transformer.pt");
  const probes::Selection in_proj = tf.select(probes::Scope::parse("encoder.self_attn.in_proj"));
  auto gen = core::make_generator(0);
  const auto out = probes::apply_probe(probes::prune_heads_probe().build("l2"), tf.params, in_proj, 0.5, gen);
  const torch::Tensor w = probes::part_of(out.tensors, in_proj.parts[0]).view({3, 4, 4, 16});  // blocks, heads, d, in
  const torch::Tensor zero_heads = w.abs().sum({0, 2, 3}).eq(0);
  EXPECT_EQ(zero_heads.sum().item<int64_t>(), 2);  // floor((1 - 0.5) 4) = 2 heads kept
  for (int64_t h = 0; h < 4; ++h) {
    for (int64_t b = 0; b < 3; ++b) {  // a head is zero in q, k and v alike, or in none
      EXPECT_EQ(w[b][h].abs().sum().item<float>() == 0, zero_heads[h].item<bool>()) << b << " " << h;
    }
  }
  EXPECT_EQ(out.report.zeros, 2 * 3 * 4 * 16);
}

TEST(UserModelsTest, AModelWithNothingToProbeOrAnUnknownScopeIsAUsageErrorAndWritesNothing) {
  testing::TempDir tmp;
  torch::jit::Module norm("LayerNorm"), net("OnlyANorm");
  norm.register_parameter("weight", torch::ones({4}), false);
  norm.register_parameter("bias", torch::zeros({4}), false);
  net.register_module("norm", norm);
  net.define("def forward(self, x):\n    return torch.layer_norm(x, [4], self.norm.weight, self.norm.bias)\n");
  net.save((tmp / "norm.pt").string());
  const auto [x, y] = testing::tiny_images(20, 1);
  testing::save_test_set(tmp / "test.pt", x.view({20, -1}).narrow(1, 0, 4), y);
  CompressConfig c;
  c.source.model = tmp / "norm.pt";
  c.source.data = (tmp / "test.pt").string();
  c.out = tmp / "out";
  const std::string message = testing::error_of([&] { run_compress(c, {}); });
  EXPECT_NE(message.find("--include: no layer holds a tensor in the probed roles"), std::string::npos) << message;
  EXPECT_NE(message.find("norm"), std::string::npos) << message;
  EXPECT_THROW(run_compress(c, {}), core::UsageError);
  EXPECT_FALSE(fs::exists(tmp / "out"));
  c.source.include = "norms,weights";
  EXPECT_THROW(run_compress(c, {}), core::UsageError);  // "weights" is not a role to include
  EXPECT_FALSE(fs::exists(tmp / "out"));
  const probes::ProbeTarget t = target_of(tmp / "norm.pt", "norms");
  EXPECT_NO_THROW(check_scope(t, "norm"));
  EXPECT_THROW(check_scope(t, "nope"), core::UsageError);
  EXPECT_THROW(check_scope(target_of(tmp / "norm.pt"), "norm"), core::UsageError);  // not probed without norms
}

// An integer parameter (a counter) is never probed by default; asking for it names it.
TEST(UserModelsTest, IntegerParametersAreNotProbedAndAskingForThemNamesThem) {
  testing::TempDir tmp;
  torch::jit::Module model = testing::tiny_cnn(2, 3);
  model.register_parameter("steps", torch::zeros({3, 3}, torch::kLong), false);
  model.save((tmp / "counting.pt").string());
  const auto [x, y] = testing::tiny_images(20, 2);
  testing::save_test_set(tmp / "test.pt", x, y);
  CompressConfig c;
  c.source.model = tmp / "counting.pt";
  c.source.data = (tmp / "test.pt").string();
  c.draws = 1;
  c.probes = {"magnitude"};
  const CompressResult r = run_compress(c, {});
  for (const auto& layer : r.layers) EXPECT_NE(layer.layer, "steps");
  c.source.include = "others";
  const std::string message = testing::error_of([&] { run_compress(c, {}); });
  EXPECT_NE(message.find("--include: steps of "), std::string::npos) << message;
  EXPECT_NE(message.find("holds Long values, which cannot be probed"), std::string::npos) << message;
}

}  // namespace
}  // namespace netprobe::experiments
