// `rnn train` speed: linear low-rank RNN, R = 1, N = 500, T = 400, float64, full-batch GD on the
// filter task (LOWRANK.md's authors' setting). Measured in the same run:
//   eager baseline:  the loop a user would write in LibTorch: the recurrence as one op per
//                    step (LowRankRnn::forward_eager), loss.backward(), a manual SGD update;
//   kernel only:     the fused forward + BPTT node and the same SGD update, no trainer;
//   netprobe:        experiments::train_rnn, i.e. `rnn train` without the file writes (shared
//                    trainer, JSON record per epoch, overlaps every 10 epochs).
// Counters: epochs/s and the GFLOP/s of the recurrence's arithmetic. All three run in a process
// set up like the netprobe executable (allocator tuned).
//
// The nonlinear theory's cost per epoch is one overlap gradient E of the latent model (tanh,
// R = 1, T = 400, the filter task): autograd through the latent model (the baseline) against
// the hand-written adjoint. main() prints their ratio after the benchmarks.
#include <chrono>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "models/rnn/latent_adjoint.h"
#include "models/rnn/overlap_theory.h"

#include "core/runtime.h"
#include "core/seeding.h"
#include "experiments/rnn/run.h"

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

// A trained-like Sigma0 (tanh, R = 1): random vectors with overlaps of order one.
torch::Tensor latent_sigma() {
  const torch::Tensor a =
      torch::tensor({1.2, 0.3, 0.9, -0.6, 0.3, 1.0, 0.5, 0.8, 0.9, 0.5, 1.1, 0.2, -0.6, 0.8, 0.2, 1.3}, torch::kFloat64)
          .reshape({4, 4});
  return a.matmul(a.t());
}

template <typename Gradient>
void latent_gradient_bench(benchmark::State& state, Gradient gradient) {
  core::configure_threads(1);
  const auto task = models::filter_task(0.2, kDt, kSteps);
  const torch::Tensor sigma = latent_sigma();
  for (auto _ : state) benchmark::DoNotOptimize(gradient(sigma, task));
  state.counters["epochs/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_LatentGradientAutograd(benchmark::State& state) {
  latent_gradient_bench(state, [](const torch::Tensor& s, const models::RnnTaskData& t) {
    return models::latent_overlap_gradient(s, t, {1, models::RnnActivation::kTanh, kDt});
  });
}

void BM_LatentGradientAdjoint(benchmark::State& state) {
  latent_gradient_bench(state, [](const torch::Tensor& s, const models::RnnTaskData& t) {
    return models::latent_overlap_gradient_adjoint(s, t, {1, models::RnnActivation::kTanh, kDt});
  });
}

// `rnn train` of the tanh filter task, 20 epochs, in the network (arg 0 = 0) or in overlap space
// (arg 0 = 1), at N = arg 1, 1 thread: a network epoch grows with N, an overlap-space epoch does
// not (only drawing the initial network, outside the timing here, touches N).
void BM_TrainSpace(benchmark::State& state) {
  core::configure_threads(1);
  experiments::RnnRunConfig config;
  config.activation = models::RnnActivation::kTanh;
  config.n = state.range(1);
  config.epochs = 20;
  config.track_every = 20;
  const bool overlaps = state.range(0) == 1;
  state.SetLabel(fmt::format("{} space, N = {}", overlaps ? "overlap" : "network", config.n));
  const torch::Tensor sigma0 = models::overlap_matrix(experiments::init_rnn(config)->vectors().detach());
  for (auto _ : state) {
    if (overlaps) {
      benchmark::DoNotOptimize(experiments::theory_trajectory(sigma0, config.task_data(), config));
    } else {
      models::LowRankRnn rnn = experiments::init_rnn(config);
      benchmark::DoNotOptimize(experiments::train_rnn_on(rnn, config.task_data(), config, false));
    }
  }
  state.counters["epochs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * config.epochs, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainSpace)->ArgsProduct({{0, 1}, {500, 4000, 32000}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LatentGradientAutograd)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_LatentGradientAdjoint)->Unit(benchmark::kMillisecond)->MinTime(2.0);
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
  // The ratio line: both gradients timed back to back in this process (after a warm-up that
  // builds the tanh gain table), seconds per call.
  using namespace netprobe;
  core::configure_threads(1);
  const auto task = models::filter_task(0.2, kDt, kSteps);
  const torch::Tensor sigma = latent_sigma();
  const auto seconds_per_call = [&](auto gradient, int calls) {
    gradient();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) gradient();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
  };
  const double autograd = seconds_per_call(
      [&] {
        return models::latent_overlap_gradient(sigma, task, {1, models::RnnActivation::kTanh, kDt});
      },
      20);
  const double adjoint = seconds_per_call(
      [&] {
        return models::latent_overlap_gradient_adjoint(sigma, task, {1, models::RnnActivation::kTanh, kDt});
      },
      200);
  fmt::print("latent overlap gradient (tanh, R=1, T={}): adjoint {:.3f} ms vs autograd {:.2f} ms per epoch: {:.0f}x\n",
             kSteps, 1e3 * adjoint, 1e3 * autograd, autograd / adjoint);
  return 0;
}
