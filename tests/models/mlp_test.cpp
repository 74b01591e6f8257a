#include "models/mlp.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "tests/support/test_support.h"

namespace netprobe::models {
namespace {

TEST(MlpTest, StableParameterNamesAndShapes) {
  Mlp net(MlpOptions(784, 2).hidden({256, 128, 64}));
  const auto params = net->named_parameters();
  EXPECT_EQ(params.keys(), (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight",
                                                     "fc3.bias", "fc4.weight", "fc4.bias"}));
  EXPECT_EQ(params["fc1.weight"].sizes(), (std::vector<int64_t>{256, 784}));
  EXPECT_EQ(params["fc4.weight"].sizes(), (std::vector<int64_t>{2, 64}));
  Mlp no_bias(MlpOptions(10, 3).hidden({4}).bias(false));
  EXPECT_EQ(no_bias->named_parameters().keys(), (std::vector<std::string>{"fc1.weight", "fc2.weight"}));
}

TEST(MlpTest, OutputsAreLogProbabilities) {
  torch::manual_seed(0);
  for (Activation a : {Activation::kRelu, Activation::kTanh, Activation::kSigmoid}) {
    Mlp net(MlpOptions(20, 5).hidden({8}).activation(a));
    const auto out = net->forward(torch::randn({6, 20}));
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{6, 5}));
    testing::expect_close(out.exp().sum(1), torch::ones({6}), 1e-5, 1e-6);
  }
}

TEST(MlpTest, ForwardIsTheDocumentedComposition) {
  torch::manual_seed(1);
  Mlp net(MlpOptions(3, 2).hidden({4}).activation(Activation::kTanh));
  const auto x = torch::randn({5, 3});
  const auto p = net->named_parameters();
  const auto h = torch::tanh(x.matmul(p["fc1.weight"].t()) + p["fc1.bias"]);
  const auto expected = torch::log_softmax(h.matmul(p["fc2.weight"].t()) + p["fc2.bias"], 1);
  testing::expect_close(net->forward(x), expected, 1e-6, 1e-6);
}

TEST(MlpTest, InvalidOptionsAreUsageErrors) {
  EXPECT_THROW(parse_activation("gelu"), core::UsageError);
  EXPECT_EQ(to_string(parse_activation("sigmoid")), "sigmoid");
  EXPECT_THROW(Mlp(MlpOptions(784, 2).hidden({64, 0})), core::UsageError);
  EXPECT_THROW(Mlp(MlpOptions(784, 1)), core::UsageError);
}

}  // namespace
}  // namespace netprobe::models
