// Evaluating many parameter sets of a TorchScript CNN (the architecture of
// scripts/examples/cnn_mnist.py: conv 1->8 3x3, relu, maxpool 2, conv 8->16 3x3, relu, maxpool 2,
// linear 400->2) on the 2037 MNIST 7-vs-9 test images, 40 noise variants per iteration.
//   Parallel:   netprobe's ScriptBatchEvaluator, one worker per thread, each on its own module
//               clone with one intra-op thread, batches of 64 examples (the default).
//   OneAtATime: a plain LibTorch loop: copy the variant into the module, forward all images in one
//               call with every intra-op thread. Same variants, measured in the same run.
// Counter: evaluations/s.
#include <benchmark/benchmark.h>

#include <torch/script.h>

#include "bench/bench_support.h"
#include "core/runtime.h"
#include "core/seeding.h"
#include "models/script_classifier.h"
#include "probes/noise.h"

namespace {

using namespace netprobe;

torch::jit::Module example_cnn() {
  torch::manual_seed(0);
  const auto param = [](std::vector<int64_t> shape) { return torch::randn(shape) * 0.1; };
  torch::jit::Module c1("Conv"), c2("Conv"), fc("Linear"), net("Cnn");
  c1.register_parameter("weight", param({8, 1, 3, 3}), false);
  c1.register_parameter("bias", param({8}), false);
  c2.register_parameter("weight", param({16, 8, 3, 3}), false);
  c2.register_parameter("bias", param({16}), false);
  fc.register_parameter("weight", param({2, 400}), false);
  fc.register_parameter("bias", param({2}), false);
  net.register_module("conv1", c1);
  net.register_module("conv2", c2);
  net.register_module("fc", fc);
  net.define(R"(
def forward(self, x):
    h = torch.max_pool2d(torch.relu(torch.conv2d(x, self.conv1.weight, self.conv1.bias)), 2)
    h = torch.max_pool2d(torch.relu(torch.conv2d(h, self.conv2.weight, self.conv2.bias)), 2)
    return torch.linear(h.flatten(1), self.fc.weight, self.fc.bias)
)");
  return net;
}

struct Setup {
  data::Task task = bench::load_bench_task("mnist", {7, 9});
  torch::Tensor x = task.test_x.view({-1, 1, 28, 28});
  models::ScriptClassifier model{example_cnn(), "cnn"};
  std::vector<core::NamedTensors> variants;
  Setup() {
    const probes::Probe noise = probes::noise_probe().build("uniform");
    const core::NamedTensors params = model.parameters();
    for (int v = 0; v < 40; ++v) {
      auto gen = core::make_generator(static_cast<uint64_t>(v));
      variants.push_back(probes::apply_probe(noise, params, {}, 0.01 * (v % 10 + 1), gen).tensors);
    }
  }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

void report(benchmark::State& state) {
  state.counters["evals/s"] =
      benchmark::Counter(static_cast<double>(setup().variants.size()) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_ScriptParallel(benchmark::State& state) {
  const Setup& s = setup();
  const int threads = core::configure_threads(static_cast<int>(state.range(0)));
  const models::ScriptBatchEvaluator evaluator(s.model, s.x, s.task.test_y, {.batch = 64, .workers = threads}, "bench");
  for (auto _ : state) benchmark::DoNotOptimize(evaluator.evaluate(s.variants));
  report(state);
}

void BM_ScriptOneAtATime(benchmark::State& state) {
  const Setup& s = setup();
  core::configure_threads(static_cast<int>(state.range(0)));
  torch::jit::Module module = s.model.module().clone();
  module.eval();
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    int64_t correct = 0;
    for (const auto& variant : s.variants) {
      size_t i = 0;
      for (const auto& p : module.named_parameters(true)) p.value.detach().copy_(variant[i++].second);
      correct += module.forward({s.x}).toTensor().argmax(1).eq(s.task.test_y).sum().item<int64_t>();
    }
    benchmark::DoNotOptimize(correct);
  }
  report(state);
}

BENCHMARK(BM_ScriptOneAtATime)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ScriptParallel)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
