#pragma once
/// The model a probe or compression run acts on, whatever it came from: a netprobe run directory
/// (its MLP, evaluated by the batched engine) or a user's TorchScript file (evaluated variant
/// by variant in parallel threads), with its test set.
///
///   ProbeModelSource s;  s.model = "model.pt";  s.data = "test.pt";
///   ProbeModel m = load_probe_model(s, ctx);   // ctx.threads variants at once, draws from ctx.seed
///   auto rows = probes::run_sweeps(m.target, specs, m.evaluate, {m.task, m.seed});
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/script.h>
#include "core/run_context.h"

#include "probes/adaptive_sweep.h"
#include "probes/metric.h"
#include "probes/sweep.h"
#include "train/classification.h"

namespace netprobe::experiments {

struct ProbeModelSource {
  std::filesystem::path model;  ///< a `netprobe train` run directory or a TorchScript file
  /// A torch.save file {"x", "y"}, or a task id (mnist-7v9) or dataset name (mnist = all
  /// classes). Empty: the run directory's own task; required for a TorchScript model.
  std::string data;
  std::vector<int64_t> input_shape;  ///< reshape task images to [n, shape...] (e.g. 1,28,28)
  int64_t batch =
      64;  ///< examples per forward call (TorchScript path); small batches keep a conv net's activations in cache
  std::string loss = "none";  ///< TorchScript path: none | cross-entropy | nll
  /// Roles probed besides weights and embeddings: "biases", "norms", "others", comma-separated.
  std::string include;
  bool split_attention = false;     ///< an attention's q, k, v as three layers (TorchScript path)
  bool split_gates = false;         ///< a recurrent layer's gates as layers (TorchScript path)
  std::string metric = "accuracy";  ///< accuracy, top5, macro_f1 or loss: what the rows' value is
  /// Compare every variant with the intact model example by example: rows get the paired counts
  /// (examples lost and gained) behind the drop's interval.
  bool compare = false;
  /// Put the test examples in a fixed random order (the same for every model), so that the first n
  /// of them are a random sample: what compress's looks at part of the test set need.
  bool random_order = false;
};

struct ProbeModel {
  std::string kind;   ///< "netprobe-mlp" or "torchscript"
  std::string task;   ///< the test set's id: a task id, or the data file's name
  uint64_t seed = 0;  ///< draws derive from it: the context's seed, else the run's, else 0
  int64_t classes = 0;
  /// Its parameters, its layers (from the module tree; a netprobe MLP's fc1, fc2, ...) and the
  /// roles probed.
  probes::ProbeTarget target;
  probes::Metric metric = probes::Metric::kAccuracy;
  probes::BatchEvaluator evaluate;
  /// The same on the test examples first .. last - 1 (looks at part of the test set; a TorchScript
  /// model's parts start at a multiple of `batch`).
  probes::RangeEvaluator evaluate_range;
  int64_t batch = 1;  ///< the examples a part must be a multiple of
  /// The model with other parameter values (same names and shapes) as a TorchScript module.
  std::function<torch::jit::Module(const core::NamedTensors&)> as_script;
  /// A variant's numbers never depend on the other variants evaluated with it (TorchScript: each
  /// runs on its own; the MLP engine stacks them, so BLAS rounding may depend on the company).
  bool independent_variants = false;
  /// TorchScript: parameters whose variants run the whole network rather than from their first use
  /// on, and why every variant does when the graph cannot be cut ("" when it can).
  std::vector<std::string> whole_network_parameters;
  std::string why_whole_network;
  /// TorchScript: whether whole-network runs use the frozen optimised graph, and why (or why not).
  bool frozen_graph = false;
  std::string frozen_graph_note;
};

/// UsageError naming the option for a bad --data, --input-shape, --loss or --batch; core::Error
/// naming the file for an unreadable model or data file, or a model that cannot run on the data.
/// A TorchScript model evaluates context.threads variants at once.
ProbeModel load_probe_model(const ProbeModelSource& source, const core::RunContext& context);

/// The sweep engine's view of a classifier evaluator's metrics: `metric` is the value, with its
/// paired counts when the evaluator compared (accuracy: top-1, top5: top-5).
std::vector<probes::Evaluation> as_evaluations(const std::vector<train::ClassifierMetrics>& metrics,
                                               probes::Metric metric = probes::Metric::kAccuracy);

/// The model's parameters and layers without a test set (`netprobe layers`): the same table
/// load_probe_model builds. UsageError for bad --include; core::Error naming an unreadable model.
probes::ProbeTarget load_probe_target(const ProbeModelSource& source);

/// UsageError naming --scope when `scope` ("all", a layer, or layers joined by '+') names a layer
/// the model does not have, or selects nothing in the probed roles (a batch norm without
/// --include norms); the message lists the layers that can be probed.
void check_scope(const probes::ProbeTarget& target, const std::string& scope);

}  // namespace netprobe::experiments
