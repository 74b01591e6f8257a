#pragma once
/// `netprobe compress`: the compression analysis of one model (a netprobe run or a TorchScript
/// file) on its test set. Every layer alone (the others intact) and the whole model ("all"), by
/// each compression probe (probes/compress_answer.h): how far it can go before the metric drops by
/// more than --max-drop, decided on 95 % intervals. Sweeps stop once their answer is known
/// (--exhaustive runs every level and draw, for full curves, with the same answers), and a level
/// is looked at on a random sample of the test set first, and on all of it only when the sample
/// leaves the whole set's verdict open (--first-look). With --plan,
/// every layer's safe magnitude pruning applied at once, backed off until the joint model is
/// within --max-drop, and written out as pruned.pt and masks.pt.
///
/// Layout of --out DIR: results.csv (every evaluation, long format), compression.json (config,
/// answers, plan, rows), meta.json (kind "compression"), pruned.pt and masks.pt with --plan, and
/// layers/ (each layer's rows as it finishes, with the key of the model, test set and options they
/// belong to): a killed run resumes from them, and `--shard k/n` runs (SLURM array tasks) each
/// fill their share of them for a `--merge` (shard.h; one lock per layer under locks/, a record
/// per finished shard under shards/). Final files appear only when every layer is done.
///
///   CompressConfig c;  c.source.model = "model.pt";  c.source.data = "test.pt";  c.out = "results/m";
///   CompressResult r = run_compress(c, ctx);
///   std::cout << format_compress(r);
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "experiments/probe_model.h"
#include "probes/compress_answer.h"

namespace netprobe::experiments {

struct CompressConfig {
  ProbeModelSource source;
  double max_drop = 1.0;  ///< the allowed drop, in the metric's units (points; the loss's own for loss)
  int draws = 5;          ///< draws of the random probes (random pruning, noise, shuffle)
  std::vector<std::string> probes = probes::default_compress_probes();
  std::vector<double> levels;  ///< the pruning grid for every pruning probe; empty: PROBES.md's
  bool exhaustive = false;     ///< every level and draw (full curves); the answers are the same
  int first_round = 2;         ///< draws of a random level that decide alone when they fail clearly
  /// Examples of the first look at the test set (in a fixed random order); a level undecided there
  /// is looked at on 4x as many, and so on, up to all of them. 0: every level on all of them.
  int64_t first_look = 1024;
  bool plan = false;          ///< the joint plan: pruned.pt and masks.pt
  std::filesystem::path out;  ///< empty: nothing written
  /// "k/n": only this shard's layers, into --out's layers/; empty: inside a SLURM array task,
  /// SLURM_ARRAY_TASK_ID of shard_count (or of the array), else every layer.
  std::string shard;
  std::optional<int> shard_count;
  bool merge = false;  ///< answers from the layers the shards left in --out; fails naming what is missing

  /// UsageError naming --max-drop, --draws, --probes, --levels, --metric or --include.
  void validate() const;
  core::Json to_json() const;
};

/// Every layer's safe magnitude pruning applied at once.
struct PlanLayer {
  std::string layer;
  double p = 0;         ///< the level applied (after backing off)
  double sparsity = 0;  ///< zeros / entries of the layer's probed tensors in the joint model
};
NETPROBE_JSON_FIELDS(PlanLayer, layer, p, sparsity)

struct CompressPlan {
  std::vector<PlanLayer> layers;
  int backoff_steps = 0;  ///< grid steps every layer went down before the joint model was safe
  double value = 0;       ///< the metric of the joint model
  double drop = 0, drop_low = 0, drop_high = 0;
  std::string verdict;  ///< of the joint model: "safe", or "failed"/"uncertain" when even p = 0 everywhere was not
  double sparsity = 0;  ///< zeros / entries over every probed tensor
};
NETPROBE_JSON_FIELDS(CompressPlan, layers, backoff_steps, value, drop, drop_low, drop_high, verdict, sparsity)

struct CompressResult {
  std::string model_kind;  ///< netprobe-mlp | torchscript
  std::string task;        ///< the test set's id
  uint64_t seed = 0;
  int classes = 0;
  std::string metric = "accuracy";
  double max_drop = 1.0;
  double intact = 0;                       ///< the intact model's metric
  double intact_low = 0, intact_high = 0;  ///< its 95 % (Wilson) interval over the test examples; NaN for F1, loss
  int64_t examples = 0;
  int64_t evaluations = 0, exhaustive_evaluations = 0;  ///< run, and what every level and draw would take
  std::string roles;                                    ///< the probed roles, "weight+embedding"
  std::vector<probes::LayerAnswer> layers;              ///< "all" first, then each layer in module order
  std::optional<CompressPlan> plan;
  std::vector<probes::SweepRow> rows;
  std::string shard;  ///< "k/n" for a shard's run (no answers: they come with the merge)
  int layers_total = 0, layers_run = 0, layers_cached = 0;  ///< scopes ("all" and each layer)

  /// Rows evaluated on a sample of the test set (a level decided there: --first-look).
  int64_t sampled_evaluations() const;
  core::Json to_json() const;
  /// Throws core::Error naming `source` on missing or ill-typed fields.
  static CompressResult from_json(const core::Json& json, const std::string& source);
};

/// Guards config.out before any work, runs (or reads back) every layer's sweeps, and writes the
/// answers once all are there; a shard stops after its layers.
CompressResult run_compress(const CompressConfig& config, const core::RunContext& context);

/// Reads compression.json of a compression directory back (its rows included); core::Error
/// naming the file when it is missing or malformed, UsageError when DIR is another kind.
CompressResult load_compress_result(const std::filesystem::path& dir);

/// The table `compress` prints: the intact metric, one line per layer with each probe's safe level
/// ("0.6" safe, "0.6 (0.65?)" when the next level is uncertain), and the plan.
std::string format_compress(const CompressResult& result);

}  // namespace netprobe::experiments
