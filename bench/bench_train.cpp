// Training one protocol model (MNIST 7v9, 784-64-2 ReLU, Adam 0.01 cosine, 10 epochs, batch 128).
//   netprobe:  the shared trainer (experiments::train_classifier), test accuracy logged every epoch;
//   baseline:  the plain LibTorch eager loop a user would write (nn::Linear, optim::Adam,
//              index_select per batch), no per-epoch evaluation. Measured in the same run.
// Counters: samples/s, GFLOP/s of the training arithmetic, and that as a fraction of this
// machine's measured sgemm throughput at the same thread count.
#include <benchmark/benchmark.h>

#include "bench/bench_support.h"
#include "core/runtime.h"
#include "experiments/classifier_run.h"

namespace {

using namespace netprobe;

const data::Task& task() {
  static const data::Task t = bench::load_bench_task("mnist", {7, 9});
  return t;
}

// Arithmetic of one epoch of training: forward 2*n*(784*64 + 64*2), weight gradients the same,
// hidden-activation gradient 2*n*64*2.
double training_flops(int64_t n, int epochs) {
  const double per_sample = 2.0 * (784 * 64 + 64 * 2) * 2 + 2.0 * 64 * 2;
  return per_sample * static_cast<double>(n) * epochs;
}

void report(benchmark::State& state, int64_t samples, double flops) {
  static std::map<int, double> sgemm;  // per thread count
  const int threads = torch::get_num_threads();
  if (!sgemm.count(threads)) sgemm[threads] = bench::measure_sgemm_gflops();
  const double iters = static_cast<double>(state.iterations());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples) * iters, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * iters / 1e9, benchmark::Counter::kIsRate);
  state.counters["sgemm_GFLOP/s"] = sgemm[threads];
}

void BM_TrainNetprobe(benchmark::State& state) {
  core::configure_threads(static_cast<int>(state.range(0)));
  experiments::ClassifierRunConfig config;
  for (auto _ : state) {
    auto model = experiments::train_classifier(config, task(), /*progress=*/false);
    benchmark::DoNotOptimize(model);
  }
  report(state, task().train_x.size(0) * config.epochs, training_flops(task().train_x.size(0), config.epochs));
}

void BM_TrainEagerBaseline(benchmark::State& state) {
  core::configure_threads(static_cast<int>(state.range(0)));
  const auto& t = task();
  const int64_t n = t.train_x.size(0);
  for (auto _ : state) {
    torch::manual_seed(0);
    torch::nn::Sequential net(torch::nn::Linear(784, 64), torch::nn::ReLU(), torch::nn::Linear(64, 2),
                              torch::nn::LogSoftmax(1));
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(0.01));
    for (int epoch = 0; epoch < 10; ++epoch) {
      static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options())
          .lr(0.01 * (1 + std::cos(M_PI * epoch / 10)) / 2);
      const auto perm = torch::randperm(n);
      for (int64_t s = 0; s < n; s += 128) {
        const auto idx = perm.slice(0, s, std::min(s + 128, n));
        opt.zero_grad();
        auto loss = torch::nll_loss(net->forward(t.train_x.index_select(0, idx)), t.train_y.index_select(0, idx));
        loss.backward();
        opt.step();
      }
    }
    benchmark::DoNotOptimize(net);
  }
  report(state, n * 10, training_flops(n, 10));
}

// The study's way: `members` seeds of one task trained as one batched group
// (experiments::train_classifiers); s/model is comparable with BM_TrainNetprobe's time.
void BM_TrainGroup(benchmark::State& state) {
  core::configure_threads(1);
  const int64_t members = state.range(0);
  std::vector<experiments::ClassifierRunConfig> configs(static_cast<size_t>(members));
  for (int64_t i = 0; i < members; ++i) configs[static_cast<size_t>(i)].seed = static_cast<uint64_t>(i);
  for (auto _ : state) benchmark::DoNotOptimize(experiments::train_classifiers(configs, task(), false));
  report(state, task().train_x.size(0) * 10 * members,
         training_flops(task().train_x.size(0), 10) * static_cast<double>(members));
  state.counters["s/model"] = benchmark::Counter(
      static_cast<double>(members), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_TrainEagerBaseline)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_TrainNetprobe)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_TrainGroup)->Arg(1)->Arg(2)->Arg(5)->Arg(10)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
