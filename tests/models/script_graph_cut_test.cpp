// Cutting a forward graph where a parameter is first used: the part after the cut, fed the values
// computed before it on the intact model, gives exactly the whole network's numbers, on module
// trees as users build them (batch norm, residuals, in-place ReLUs, attention, LSTMs), also when
// the cached values are reused; graphs that cannot be cut run whole.
#include "models/script_graph_cut.h"

#include <gtest/gtest.h>

#include "data/tensor_file.h"
#include "models/script_classifier.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::models {
namespace {

size_t index_of(const core::NamedTensors& params, const std::string& name) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].first == name) return i;
  }
  ADD_FAILURE() << "no parameter " << name;
  return 0;
}

// Variants that each change one parameter (noise), then two at once, built from the evaluator's
// intact tensors so the unchanged ones are recognised.
std::vector<core::NamedTensors> one_at_a_time(const core::NamedTensors& intact) {
  torch::manual_seed(5);
  std::vector<core::NamedTensors> variants;
  for (size_t i = 0; i < intact.size(); ++i) {
    core::NamedTensors v = intact;
    v[i].second = intact[i].second + 0.5 * intact[i].second.std(false).item<double>() *
                                         torch::randn_like(intact[i].second) +
                  0.05;
    variants.push_back(v);
  }
  core::NamedTensors both = variants.back();
  both[intact.size() / 2].second = variants[intact.size() / 2][intact.size() / 2].second;
  variants.push_back(both);
  return variants;
}

// Every variant's numbers equal with and without cuts, twice (the second call reuses the kept values).
void expect_same_as_whole_network(const ScriptClassifier& model, const torch::Tensor& x, const torch::Tensor& y,
                                  int workers) {
  const ScriptEvalOptions whole{.batch = 16, .loss = ScriptLoss::kCrossEntropy, .workers = 1, .reuse_prefix = false};
  ScriptEvalOptions cut = whole;
  cut.reuse_prefix = true;
  cut.workers = workers;
  ScriptBatchEvaluator plain(model, x, y, whole, "x"), reusing(model, x, y, cut, "x");
  plain.compare_with(plain.intact(), {.top5 = false, .macro_f1 = true});
  reusing.compare_with(reusing.intact(), {.top5 = false, .macro_f1 = true});
  EXPECT_EQ(reusing.why_not_cut(), "");
  const auto expected = plain.evaluate(one_at_a_time(plain.intact()));
  for (int pass = 0; pass < 2; ++pass) {
    const auto got = reusing.evaluate(one_at_a_time(reusing.intact()));
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].accuracy, expected[i].accuracy) << model.source() << " variant " << i << " pass " << pass;
      EXPECT_EQ(got[i].loss, expected[i].loss) << model.source() << " variant " << i << " pass " << pass;
      EXPECT_EQ(got[i].macro_f1, expected[i].macro_f1) << model.source() << " variant " << i;
      EXPECT_EQ(got[i].lost, expected[i].lost) << model.source() << " variant " << i;
      EXPECT_EQ(got[i].gained, expected[i].gained) << model.source() << " variant " << i;
    }
  }
  // The numbers are not all the intact model's: the variants change what the network computes.
  const auto intact = plain.evaluate({plain.intact()}).front();
  EXPECT_TRUE(std::any_of(expected.begin(), expected.end(), [&](const auto& m) { return m.loss != intact.loss; }));
}

TEST(ForwardCutsTest, CutsFollowTheOrderParametersAreRead) {
  const torch::jit::Module module = testing::residual_cnn(3, 1);
  const ForwardCuts cuts(module);
  EXPECT_EQ(cuts.why_not(), "");
  const ScriptClassifier model(module, "residual.pt");
  const core::NamedTensors p = model.parameters();
  const auto at = [&](const std::string& name) { return cuts.cut_of({index_of(p, name)}); };
  EXPECT_EQ(at("c1.weight"), 0u);  // read by the first operation
  EXPECT_EQ(at("c1.bias"), 0u);
  EXPECT_GT(at("bn.weight"), 0u);
  EXPECT_EQ(at("bn.weight"), at("bn.bias"));  // one batch_norm reads both
  EXPECT_GT(at("dw.weight"), at("bn.weight"));
  EXPECT_GT(at("fc.weight"), at("dw.weight"));
  // Several changes: the earliest decides; nothing changed: the whole network.
  EXPECT_EQ(cuts.cut_of({index_of(p, "fc.weight"), index_of(p, "bn.bias")}), at("bn.bias"));
  EXPECT_EQ(cuts.cut_of({index_of(p, "fc.weight"), index_of(p, "c1.weight")}), 0u);
  EXPECT_EQ(cuts.cut_of({}), 0u);
  const std::vector<size_t> whole = cuts.from_input();
  EXPECT_EQ(whole, (std::vector<size_t>{index_of(p, "c1.weight"), index_of(p, "c1.bias")}));
}

TEST(ForwardCutsTest, TheRestOfTheNetworkGivesTheWholeNetworksNumbers) {
  const ScriptClassifier model(testing::residual_cnn(3, 1), "residual.pt");
  auto [x, y] = testing::tiny_images(70, 4);
  y = y + (x.sum({1, 2, 3}) > 0).to(torch::kLong);  // three classes
  expect_same_as_whole_network(model, x, y, 1);
  expect_same_as_whole_network(model, x, y, 3);  // fewer variants than workers: batches split
}

TEST(ForwardCutsTest, PyTorchBuiltModelsGiveTheWholeNetworksNumbers) {
  testing::TempDir tmp;
  if (!testing::python_models(tmp.path())) GTEST_SKIP() << "python3-torch is not installed: no PyTorch-built models";
  for (const std::string name : {"residual", "transformer", "lstm"}) {
    const ScriptClassifier model = ScriptClassifier::load(tmp.path() / (name + ".pt"));
    const data::LabeledTensors test = data::load_tensor_file(tmp.path() / (name + "_test.pt"));
    expect_same_as_whole_network(model, test.x, test.y, 2);
  }
  // torchvision's way of writing a ResNet: everything after the stem can start from a cut.
  const ScriptClassifier residual = ScriptClassifier::load(tmp.path() / "residual.pt");
  const data::LabeledTensors test = data::load_tensor_file(tmp.path() / "residual_test.pt");
  const ScriptBatchEvaluator e(residual, test.x, test.y, {}, "x");
  EXPECT_EQ(e.whole_network_parameters(), (std::vector<std::string>{"stem.0.weight", "stem.0.bias"}));
}

TEST(ForwardCutsTest, AGraphThatSetsAttributesRunsWhole) {
  torch::jit::Module net("Counting");
  net.register_parameter("w", torch::randn({2, 3}), false);
  net.register_attribute("calls", c10::IntType::get(), c10::IValue(int64_t{0}));
  net.define(R"(
def forward(self, x):
    self.calls = self.calls + 1
    return torch.linear(torch.relu(x), self.w)
)");
  const ForwardCuts cuts(net);
  EXPECT_EQ(cuts.why_not(), "the forward sets module attributes");
  EXPECT_EQ(cuts.cut_of({0}), 0u);
}

TEST(ForwardCutsTest, KeptValuesAreNeverWrittenThrough) {
  const c10::IValue original(torch::ones({3}));
  c10::IValue copy = fresh_copy(original);
  copy.toTensor().add_(1);  // what an in-place ReLU after the cut does
  EXPECT_TRUE(original.toTensor().equal(torch::ones({3})));
  c10::List<at::Tensor> list;
  list.push_back(torch::zeros({2}));
  const c10::IValue original_list(list);
  fresh_copy(original_list).toTensorList().get(0).add_(1);
  EXPECT_TRUE(original_list.toTensorList().get(0).equal(torch::zeros({2})));
}

TEST(ForwardCutsTest, NoMemoryForKeptValuesStillGivesTheSameNumbers) {
  const ScriptClassifier model(testing::residual_cnn(2, 3), "residual.pt");
  const auto [x, y] = testing::tiny_images(40, 6);
  const ScriptBatchEvaluator whole(model, x, y, {.batch = 8, .workers = 1, .reuse_prefix = false}, "x");
  const ScriptBatchEvaluator none_kept(model, x, y, {.batch = 8, .workers = 2, .cache_bytes = 0}, "x");
  const auto a = whole.evaluate(one_at_a_time(whole.intact()));
  const auto b = none_kept.evaluate(one_at_a_time(none_kept.intact()));
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].accuracy, b[i].accuracy) << i;
}

}  // namespace
}  // namespace netprobe::models
