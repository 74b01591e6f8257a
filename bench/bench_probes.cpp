// The probe stage on one protocol model (MNIST 7v9, seed 0): every default sweep of a study
// (1575 evaluations of the 2037 test images).
//   Batched:  netprobe's engine, variants stacked 32 at a time into one matrix product per layer.
//   Eager:    the same variants, each loaded into an Mlp and run through forward() alone, as a
//             plain LibTorch loop does it. Same probe generation, measured in the same run.
// Counters: evaluations/s, GFLOP/s of the evaluation arithmetic and this machine's sgemm rate.
#include <immintrin.h>

#include <array>

#include <benchmark/benchmark.h>

#include "bench/bench_support.h"
#include "core/runtime.h"
#include "experiments/classifier_run.h"
#include "experiments/probe_model.h"
#include "models/mlp_batched.h"
#include "models/sparse_input.h"
#include "models/ternary_first_layer.h"
#include "probes/presets.h"

namespace {

using namespace netprobe;

struct Setup {
  data::Task task = bench::load_bench_task("mnist", {7, 9});
  experiments::ClassifierRunConfig config;
  models::Mlp model{nullptr};
  core::NamedTensors params;
  probes::ProbeTarget target;  // the study's: weights and biases
  std::vector<probes::SweepSpec> specs = probes::study_preset(probes::study_probes(probes::study_probe_names()), 5);
  Setup() {
    core::configure_threads(1);
    model = experiments::train_classifier(config, task, false);
    params = core::parameters_of(*model);
    target = {params, models::layers_of_named_parameters(params), probes::RoleSet::weights_and_biases()};
  }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

double eval_flops(int64_t n) { return 2.0 * static_cast<double>(n) * (784 * 64 + 64 * 2); }

void report(benchmark::State& state, int64_t evals) {
  static std::map<int, double> sgemm;
  const int threads = torch::get_num_threads();
  if (!sgemm.count(threads)) sgemm[threads] = bench::measure_sgemm_gflops();
  const double it = static_cast<double>(state.iterations());
  state.counters["evals/s"] = benchmark::Counter(static_cast<double>(evals) * it, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(
      eval_flops(setup().task.test_x.size(0)) * static_cast<double>(evals) * it / 1e9, benchmark::Counter::kIsRate);
  state.counters["sgemm_GFLOP/s"] = sgemm[threads];
}

void BM_SweepsBatched(benchmark::State& state) {
  const Setup& s = setup();
  core::configure_threads(static_cast<int>(state.range(0)));
  const models::MlpBatchEvaluator evaluator(s.config.mlp_options(784), s.task.test_x, s.task.test_y);
  size_t rows = 0;
  for (auto _ : state) {
    rows = probes::run_sweeps(s.target, s.specs,
                              [&](const std::vector<core::NamedTensors>& v) {
                                return experiments::as_evaluations(evaluator.evaluate(v));
                              },
                              {"mnist-7v9", 0, 32})
               .size();
  }
  report(state, static_cast<int64_t>(rows));
}

void BM_SweepsEager(benchmark::State& state) {
  const Setup& s = setup();
  core::configure_threads(static_cast<int>(state.range(0)));
  models::Mlp copy(s.config.mlp_options(784));
  const probes::BatchEvaluator one_at_a_time = [&](const std::vector<core::NamedTensors>& variants) {
    std::vector<train::ClassifierMetrics> out;
    for (const auto& v : variants) {
      core::load_into(*copy, v, "variant");
      out.push_back(train::evaluate_classifier([&](const torch::Tensor& x) { return copy->forward(x); }, s.task.test_x,
                                               s.task.test_y));
    }
    return experiments::as_evaluations(out);
  };
  size_t rows = 0;
  for (auto _ : state) rows = probes::run_sweeps(s.target, s.specs, one_at_a_time, {"mnist-7v9", 0, 32}).size();
  report(state, static_cast<int64_t>(rows));
}

// Making the variants of one default sweep (arg: its index in the study's list) without
// evaluating them: run_sweeps with an evaluator that only returns empty metrics, 1 thread.
void BM_GenerateVariants(benchmark::State& state) {
  const Setup& s = setup();
  core::configure_threads(1);
  const probes::SweepSpec& spec = s.specs.at(static_cast<size_t>(state.range(0)));
  state.SetLabel(spec.probe().name + "/" + spec.variant());
  const probes::BatchEvaluator skip = [](const std::vector<core::NamedTensors>& v) {
    return std::vector<probes::Evaluation>(v.size());
  };
  size_t rows = 0;
  for (auto _ : state) rows = probes::run_sweeps(s.target, {spec}, skip, {"mnist-7v9", 0, 32}).size();
  // Rows made per second: a variant's full and signed rows.
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows) * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateVariants)
    ->DenseRange(0,
                 static_cast<int>(probes::study_preset(probes::study_probes(probes::study_probe_names()), 5).size()) -
                     1)
    ->Unit(benchmark::kMillisecond);

// The fused two-layer kernel of one chunk (32 variants) on a test set: arg 0 is Fashion-MNIST
// 3v2 (density 0.54) or MNIST 7v9 (0.18); arg 1 takes the rows one at a time (0) or four at a
// time (1); 1 thread. GFLOP/s count the multiply-adds of the stored entries only, so the two
// are comparable; fill is the grouped pass's extra work.
struct SparseBenchSet {
  models::SparseRows rows;
  models::SparseRowGroups groups;
  explicit SparseBenchSet(const data::Task& t)
      : rows(models::sparse_rows(t.test_x)), groups(models::group_similar_rows(rows, t.test_y)) {}
};

void BM_FusedSparse(benchmark::State& state) {
  static const SparseBenchSet fashion(bench::load_bench_task("fashion-mnist", {3, 2}));
  static const SparseBenchSet mnist(setup().task);
  const SparseBenchSet& set = state.range(0) == 0 ? fashion : mnist;
  state.SetLabel(state.range(0) == 0 ? "fashion-mnist 3v2" : "mnist 7v9");
  core::configure_threads(1);
  constexpr int64_t V = 32;
  const torch::Tensor w1 = torch::randn({V * 64, 784}), b1 = torch::randn({V * 64});
  const torch::Tensor w2 = torch::randn({V, 2, 64}), b2 = torch::randn({V, 2});
  const auto act = models::HiddenActivation::kRelu;
  for (auto _ : state) {
    benchmark::DoNotOptimize(state.range(1) == 0 ? models::sparse_mlp2_logits(set.rows, w1, b1, w2, b2, act)
                                                 : models::sparse_mlp2_logits(set.groups, w1, b1, w2, b2, act));
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * 64 * V * static_cast<double>(set.rows.val.size()) * static_cast<double>(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
  state.counters["fill"] = state.range(1) == 0 ? 1.0 : set.groups.fill();
  state.counters["sgemm_GFLOP/s"] = bench::measure_sgemm_gflops();
}
BENCHMARK(BM_FusedSparse)->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMillisecond);

// The fused kernel on one chunk of 32 *signed* variants (first layer 0 and ±1), MNIST 7v9 grouped
// rows, 1 thread: arg 0 sums in float (no byte inputs given), 1 in integers with AVX-512 VNNI,
// 2 with AVX2, 3 in plain C++. GFLOP/s as BM_FusedSparse (multiply-adds of the stored entries),
// so the rows compare directly; "int_MAC/s" counts the integer kernel's own multiply-adds
// (every byte of every quad it visits, padding included).
void BM_FusedSparseSigned(benchmark::State& state) {
  static const SparseBenchSet mnist(setup().task);
  static const models::ByteRowGroups bytes = models::byte_row_groups(mnist.groups).value();
  const auto kernel = std::array{models::TernaryKernel::kVnni, models::TernaryKernel::kVnni,
                                 models::TernaryKernel::kAvx2, models::TernaryKernel::kPortable}[state.range(0)];
  if ((kernel == models::TernaryKernel::kVnni && !models::vnni_available()) ||
      (kernel == models::TernaryKernel::kAvx2 && !models::avx2_available())) {
    state.SkipWithError("this CPU cannot run that kernel");
    return;
  }
  state.SetLabel(std::array{"float", "int8 VNNI", "int8 AVX2", "int8 portable"}[state.range(0)]);
  core::configure_threads(1);
  constexpr int64_t V = 32;
  const auto ternary = [](torch::IntArrayRef shape) { return torch::randint(-1, 2, shape).to(torch::kFloat32); };
  const torch::Tensor w1 = ternary({V * 64, 784}), b1 = ternary({V * 64});
  const torch::Tensor w2 = ternary({V, 2, 64}), b2 = ternary({V, 2});
  const auto act = models::HiddenActivation::kRelu;
  const models::ByteRowGroups* in_bytes = state.range(0) == 0 ? nullptr : &bytes;
  for (auto _ : state) {
    benchmark::DoNotOptimize(models::sparse_mlp2_logits(mnist.groups, w1, b1, w2, b2, act, in_bytes, kernel));
  }
  const auto rate = [&](double per_iteration) {
    return benchmark::Counter(per_iteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  };
  state.counters["GFLOP/s"] = rate(2.0 * 64 * V * static_cast<double>(mnist.rows.val.size()) / 1e9);
  state.counters["int_MAC/s"] = rate(64.0 * 4 * V * static_cast<double>(bytes.quad.size() * models::kRowGroup));
}
BENCHMARK(BM_FusedSparseSigned)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

// The arithmetic limits the kernels are measured against, 1 thread, registers only: arg 0 runs
// fp32 AVX-512 FMAs (16 multiply-adds each), arg 1 AVX-512 VNNI vpdpbusd (64 u8 x s8 multiply-adds
// each); 12 independent accumulators hide the latency. bench/study_vs_peer.sh weighs an integer
// multiply-add of the signed evaluations by the ratio of the two rates.
__attribute__((target("avx512f"))) int64_t fma_loop(int64_t n) {
  __m512 acc[12];
  for (auto& a : acc) a = _mm512_set1_ps(1.0f);
  const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-6f);
  for (int64_t i = 0; i < n; ++i) {
    for (auto& a : acc) a = _mm512_fmadd_ps(a, x, y);
  }
  __m512 sum = acc[0];
  for (int k = 1; k < 12; ++k) sum = _mm512_add_ps(sum, acc[k]);
  benchmark::DoNotOptimize(sum);
  return n * 12 * 16;
}
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int64_t vnni_loop(int64_t n) {
  __m512i acc[12];
  for (auto& a : acc) a = _mm512_setzero_si512();
  const __m512i x = _mm512_set1_epi8(3), y = _mm512_set1_epi8(-1);
  for (int64_t i = 0; i < n; ++i) {
    for (auto& a : acc) a = _mm512_dpbusd_epi32(a, x, y);
  }
  __m512i sum = acc[0];
  for (int k = 1; k < 12; ++k) sum = _mm512_add_epi32(sum, acc[k]);
  benchmark::DoNotOptimize(sum);
  return n * 12 * 64;
}
void BM_MacPeak(benchmark::State& state) {
  const bool vnni = state.range(0) == 1;
  if (!__builtin_cpu_supports("avx512f") || (vnni && !models::vnni_available())) {
    state.SkipWithError("this CPU has no AVX-512 (VNNI)");
    return;
  }
  state.SetLabel(vnni ? "int8 vpdpbusd" : "fp32 fma");
  int64_t macs = 0;
  for (auto _ : state) macs += vnni ? vnni_loop(1 << 20) : fma_loop(1 << 20);
  state.counters["GMAC/s"] = benchmark::Counter(static_cast<double>(macs) / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MacPeak)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);

// First layer of one chunk: 32 stacked 64 x 784 weight matrices times the 2037 test images.
void BM_FirstLayerDense(benchmark::State& state) {
  const Setup& s = setup();
  core::configure_threads(static_cast<int>(state.range(0)));
  const torch::Tensor w = torch::randn({32 * 64, 784}), xt = s.task.test_x.t().contiguous();
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(w, xt));
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * 2048 * 784 * 2037 * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

void BM_FirstLayerSparse(benchmark::State& state) {
  const Setup& s = setup();
  core::configure_threads(static_cast<int>(state.range(0)));
  const torch::Tensor w = torch::randn({32 * 64, 784});
  const models::SparseRows x = models::sparse_rows(s.task.test_x);
  for (auto _ : state) benchmark::DoNotOptimize(models::sparse_linear(x, w));
  state.counters["density"] = x.density();
  state.counters["dense_GFLOP/s"] = benchmark::Counter(
      2.0 * 2048 * 784 * 2037 * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_FirstLayerDense)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FirstLayerSparse)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SweepsEager)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_SweepsBatched)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
