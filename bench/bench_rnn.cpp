// `rnn train` speed: linear low-rank RNN, R = 1, N = 500, T = 400, float64, full-batch GD on the
// filter task (LOWRANK.md's authors' setting). Measured in the same run:
//   eager baseline:  the loop a user would write in LibTorch: the recurrence as one op per
//                    step (LowRankRnn::forward_eager), loss.backward(), a manual SGD update;
//   kernel only:     the fused forward + BPTT node and the same SGD update, no trainer;
//   netprobe:        experiments::train_rnn, i.e. `rnn train` without the file writes (shared
//                    trainer, JSON record per epoch, overlaps every 10 epochs).
// Counters: epochs/s and the GFLOP/s of the recurrence's arithmetic. All three run in a process
// set up like the netprobe executable (allocator tuned).
#include <benchmark/benchmark.h>

#include "src/core/runtime.h"
#include "src/core/seeding.h"
#include "src/experiments/rnn_run.h"

namespace {

using namespace netprobe;

constexpr int64_t kN = 500, kSteps = 400;
constexpr double kDt = 0.05, kEta = 5e-3;

// Per step and trial: forward 2N (V^T r) + 2N (h update with U) + 2N (m x) + 2N (readout);
// backward 2N (U^T g) + 2N each for the U, V, m, z gradients + 2N (V w) + 2N (g recursion).
double flops_per_epoch() { return static_cast<double>(kSteps * kN) * (8 + 14); }

void report(benchmark::State& state, int epochs_per_iteration) {
  const double epochs = static_cast<double>(state.iterations()) * epochs_per_iteration;
  state.counters["epochs/s"] = benchmark::Counter(epochs, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(epochs * flops_per_epoch() / 1e9, benchmark::Counter::kIsRate);
}

models::LowRankRnn fresh_rnn() {
  models::LowRankRnn rnn(models::LowRankRnnOptions(kN, 1).dt(kDt).steps(kSteps));
  auto gen = core::make_generator(0);
  rnn->init_random(gen);
  return rnn;
}

// Plain gradient descent at rate eta*N, as a user's loop would do it.
template <typename Forward>
void sgd_epochs(models::LowRankRnn& rnn, const models::RnnTaskData& task, int epochs, Forward forward) {
  for (int e = 0; e < epochs; ++e) {
    for (auto& p : rnn->parameters()) p.mutable_grad() = torch::Tensor();
    models::rnn_loss(forward(task.inputs), task).backward();
    torch::NoGradGuard no_grad;
    for (auto& p : rnn->parameters()) p.add_(p.grad(), -kEta * kN);
  }
}

void BM_RnnEagerBaseline(benchmark::State& state) {
  core::configure_threads(static_cast<int>(state.range(0)));
  const auto task = models::filter_task(0.2, kDt, kSteps);
  constexpr int kEpochs = 50;
  for (auto _ : state) {
    auto rnn = fresh_rnn();
    sgd_epochs(rnn, task, kEpochs, [&](const torch::Tensor& x) { return rnn->forward_eager(x); });
  }
  report(state, kEpochs);
}

void BM_RnnKernelOnly(benchmark::State& state) {
  core::configure_threads(static_cast<int>(state.range(0)));
  const auto task = models::filter_task(0.2, kDt, kSteps);
  constexpr int kEpochs = 2000;
  for (auto _ : state) {
    auto rnn = fresh_rnn();
    sgd_epochs(rnn, task, kEpochs, [&](const torch::Tensor& x) { return rnn->forward(x); });
  }
  report(state, kEpochs);
}

void BM_RnnTrainNetprobe(benchmark::State& state) {
  core::configure_threads(static_cast<int>(state.range(0)));
  experiments::RnnRunConfig config;  // filter, N = 500, R = 1, linear, T = 400, eta = 5e-3, 2000 epochs
  for (auto _ : state) {
    models::LowRankRnn rnn(config.rnn_options());
    benchmark::DoNotOptimize(experiments::train_rnn(config, rnn, /*progress=*/false));
  }
  report(state, config.epochs);
}

BENCHMARK(BM_RnnEagerBaseline)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_RnnKernelOnly)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_RnnTrainNetprobe)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

// Same process set-up as the netprobe executable: without it every epoch's 3 MB of saved
// states comes from fresh mmap'd pages, and page faults cost more than the arithmetic.
int main(int argc, char** argv) {
  netprobe::core::tune_allocator();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
