#include "experiments/rnn/decode.h"

#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run_dir.h"
#include "core/seeding.h"
#include "experiments/rnn/history_decoder.h"
#include "probes/score.h"
#include "train/progress_bar.h"

namespace netprobe::experiments {
namespace {

using core::Json;

// Trains one twin: the pair's initial network, its first task, then the common task.
DecodeNetwork train_twin(const DecodeConfig& config, int pair, int history) {
  RnnRunConfig init = config.first;  // the pair's own random network; the tasks keep their seeds
  init.seed = core::derive_seed(config.first.seed, {core::tag_of("decode-pair"), static_cast<uint64_t>(pair)});
  models::LowRankRnn rnn = init_rnn(init);
  DecodeNetwork net;
  net.pair = pair;
  net.history = history;
  const auto phase = [&](const RnnRunConfig& task_config, int epochs) {
    RnnRunConfig c = task_config;
    c.eta = config.first.eta;
    c.optimizer = config.first.optimizer;
    c.epochs = epochs;
    c.track_every = epochs;
    const models::RnnTaskData task = task_config.task_data();
    train_rnn_on(rnn, task, c, false);
    torch::NoGradGuard no_grad;
    return models::rnn_loss(rnn->forward(task.inputs), task).item<double>();
  };
  net.loss_first = phase(history == 0 ? config.first : config.second, config.epochs_first);
  net.loss_common = phase(config.common, config.epochs_common);
  net.sigma = models::overlap_matrix(rnn->vectors().detach());
  return net;
}

// Upper-triangle entries of every network's Sigma where `keep` is 1, as [networks, entries].
torch::Tensor features(const std::vector<DecodeNetwork>& networks, const torch::Tensor& keep,
                       std::vector<std::string>* names, const std::vector<std::string>& all_names) {
  const int64_t k = keep.size(0);
  std::vector<std::pair<int64_t, int64_t>> cells;
  size_t name = 0;
  for (int64_t a = 0; a < k; ++a) {
    for (int64_t b = a; b < k; ++b, ++name) {
      if (keep[a][b].item<double>() == 0) continue;
      cells.emplace_back(a, b);
      names->push_back(all_names[name]);
    }
  }
  torch::Tensor x =
      torch::empty({static_cast<int64_t>(networks.size()), static_cast<int64_t>(cells.size())}, torch::kFloat64);
  for (size_t i = 0; i < networks.size(); ++i) {
    for (size_t j = 0; j < cells.size(); ++j) {
      x[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = networks[i].sigma[cells[j].first][cells[j].second];
    }
  }
  return x;
}

// Held-out accuracy of one labelling by one protocol.
using Scorer =
    std::function<double(const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups)>;

DecodeScore decode(const DecodeConfig& config, const std::vector<DecodeNetwork>& networks, const std::string& label,
                   const torch::Tensor& keep, const Scorer& score_of) {
  DecodeScore score;
  score.features = label;
  const models::OverlapLayout layout{config.first.rank};
  const torch::Tensor x = features(networks, keep, &score.entries, layout.entry_names());
  std::vector<double> labels;
  std::vector<int64_t> groups;
  for (const auto& n : networks) {
    labels.push_back(n.history);
    groups.push_back(n.pair);
  }
  const torch::Tensor y = torch::tensor(labels, torch::kFloat64);
  score.accuracy = score_of(x, y, groups);
  std::vector<double> shuffled;
  for (int s = 0; s < config.shuffles; ++s) {
    at::Generator gen = core::make_generator(
        core::derive_seed(config.first.seed, {core::tag_of("decode-shuffle"), static_cast<uint64_t>(s)}));
    const torch::Tensor permuted = y.index_select(0, torch::randperm(y.size(0), gen, torch::kLong));
    try {
      shuffled.push_back(score_of(x, permuted, groups));
    } catch (const core::Error&) {
      // A permutation that leaves a fold's training part with one label cannot be scored; skip it.
    }
  }
  double mean = 0, squares = 0;
  for (double v : shuffled) mean += v / static_cast<double>(shuffled.size());
  for (double v : shuffled) squares += (v - mean) * (v - mean);
  score.shuffled_mean = shuffled.empty() ? std::nan("") : mean;
  score.shuffled_sd =
      shuffled.size() < 2 ? std::nan("") : std::sqrt(squares / static_cast<double>(shuffled.size() - 1));
  return score;
}

void write_decode(const DecodeConfig& config, const DecodeResult& result) {
  core::StagedDirectory staged(config.out, core::kind::kRnnDecode);
  std::string csv = "protocol,features,entries,accuracy,shuffled_mean,shuffled_sd\n";
  for (const auto& [protocol, scores] : result.by_protocol()) {
    for (const auto& s : *scores) {
      csv += fmt::format("{},{},{},{},{},{}\n", protocol, s.features, s.entries.size(), s.accuracy, s.shuffled_mean,
                         s.shuffled_sd);
    }
  }
  core::write_file_atomic(staged.staging() / "decode.csv", csv);
  const models::OverlapLayout layout{config.first.rank};
  std::string nets = "pair,history,loss_first,loss_common";
  for (const auto& name : layout.entry_names()) nets += "," + name;
  nets += "\n";
  for (const auto& n : result.networks) {
    nets += fmt::format("{},{},{},{}", n.pair, n.history, n.loss_first, n.loss_common);
    for (int64_t a = 0; a < layout.size(); ++a)
      for (int64_t b = a; b < layout.size(); ++b) nets += fmt::format(",{}", n.sigma[a][b].item<double>());
    nets += "\n";
  }
  core::write_file_atomic(staged.staging() / "networks.csv", nets);
  core::write_json(staged.staging() / "result.json", result.to_json());
  core::write_meta(staged.staging(), core::kind::kRnnDecode,
                   {{"task_a1", config.first.to_json()},
                    {"task_a2", config.second.to_json()},
                    {"task_c", config.common.to_json()},
                    {"pairs", config.pairs},
                    {"epochs", {config.epochs_first, config.epochs_common}},
                    {"folds", config.folds},
                    {"shuffles", config.shuffles},
                    {"ridge", config.ridge},
                    {"authors_protocol",
                     {{"test_pairs", config.authors.test_groups},
                      {"splits", config.authors.splits},
                      {"feature_noise", config.authors.feature_noise}}}});
  staged.commit();
}

}  // namespace

void DecodeConfig::validate() const {
  first.validate();
  second.validate();
  common.validate();
  if (!first.same_network(second) || !first.same_network(common)) {
    throw core::UsageError("decode: tasks A1, A2 and C must use the same network options");
  }
  if (folds < 2) throw core::UsageError(fmt::format("--folds: must be >= 2, got {}", folds));
  if (pairs < folds) {
    throw core::UsageError(fmt::format("--pairs: need at least one pair per fold (--folds {}), got {}", folds, pairs));
  }
  if (epochs_first < 1 || epochs_common < 1) {
    throw core::UsageError(
        fmt::format("--epochs-first/--epochs-c: must be >= 1, got {} and {}", epochs_first, epochs_common));
  }
  if (shuffles < 0) throw core::UsageError(fmt::format("--shuffles: must be >= 0, got {}", shuffles));
  if (!(ridge > 0)) throw core::UsageError(fmt::format("--ridge: must be > 0, got {}", ridge));
  if (authors.test_groups < 1 || authors.test_groups >= pairs) {
    throw core::UsageError(
        fmt::format("--test-pairs: must be >= 1 and below --pairs ({}), got {}", pairs, authors.test_groups));
  }
  if (authors.splits < 1) throw core::UsageError(fmt::format("--splits: must be >= 1, got {}", authors.splits));
  if (!(authors.feature_noise >= 0)) {
    throw core::UsageError(fmt::format("--feature-noise: must be >= 0, got {}", authors.feature_noise));
  }
}

Json DecodeResult::to_json() const {
  Json nets = Json::array();
  for (const auto& n : networks) {
    nets.push_back({{"pair", n.pair},
                    {"history", n.history},
                    {"loss_first", n.loss_first},
                    {"loss_common", n.loss_common},
                    {"sigma", models::overlap_matrix_to_json(n.sigma)}});
  }
  return {{"networks", nets}, {"scores", scores}, {"authors_scores", authors_scores}};
}

DecodeResult DecodeResult::from_json(const Json& json, const std::string& source) {
  try {
    DecodeResult r;
    for (const auto& j : json.at("networks")) {
      DecodeNetwork n;
      core::read_field(j, "pair", n.pair);
      core::read_field(j, "history", n.history);
      core::read_field(j, "loss_first", n.loss_first);
      core::read_field(j, "loss_common", n.loss_common);
      n.sigma = models::overlap_matrix_from_json(j.at("sigma"));
      r.networks.push_back(std::move(n));
    }
    core::read_field(json, "scores", r.scores);
    if (json.contains("authors_scores")) core::read_field(json, "authors_scores", r.authors_scores);  // absent before
    return r;
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("{}: invalid decode result ({})", source, e.what()));
  }
}

DecodeResult run_rnn_decode(const DecodeConfig& config, const core::RunContext& context) {
  config.validate();
  if (!config.out.empty()) core::guard_output_dir(config.out, core::kind::kRnnDecode);
  DecodeResult result;
  train::ProgressBar bar("decode", 2 * config.pairs, context.progress);
  for (int pair = 0; pair < config.pairs; ++pair) {
    for (int history = 0; history < 2; ++history) {
      result.networks.push_back(train_twin(config, pair, history));
      bar.update(static_cast<int64_t>(result.networks.size()), fmt::format("pair {}/{}", pair + 1, config.pairs));
    }
  }
  bar.finish();
  const torch::Tensor visible = models::visible_mask(config.first.rank, config.first.activation);
  const Scorer netprobe = [&](const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups) {
    return grouped_cv_accuracy(x, y, groups, config.folds, config.ridge);
  };
  RandomSplitProtocol protocol = config.authors;
  protocol.ridge = config.ridge;
  // One split sequence for every feature set and shuffle: the sets differ only in their features.
  const uint64_t split_seed = core::derive_seed(config.first.seed, {core::tag_of("decode-splits")});
  const Scorer authors = [&](const torch::Tensor& x, const torch::Tensor& y, const std::vector<int64_t>& groups) {
    return random_split_accuracy(x, y, groups, protocol, split_seed);
  };
  for (const auto& [scores, scorer] :
       {std::pair{&result.scores, netprobe}, std::pair{&result.authors_scores, authors}}) {
    *scores = {decode(config, result.networks, "visible", visible, scorer),
               decode(config, result.networks, "invisible", 1 - visible, scorer),
               decode(config, result.networks, "all", torch::ones_like(visible), scorer)};
  }
  if (!config.out.empty()) write_decode(config, result);
  return result;
}

std::string format_decode(const DecodeConfig& config, const DecodeResult& result) {
  std::vector<double> after_a1, after_a2;  // the loss on C, by first task
  for (const auto& n : result.networks) (n.history == 0 ? after_a1 : after_a2).push_back(n.loss_common);
  std::string out = fmt::format(
      "decode ({} N={} R={}): {} twin pairs; first task A1 or A2, then C; loss on C after C: median {:.3e} (A1 "
      "first), {:.3e} (A2 first)\n",
      models::to_string(config.first.activation), config.first.n, config.first.rank, config.pairs,
      probes::spread(after_a1).median, probes::spread(after_a2).median);
  out += fmt::format("{:>10} {:>10} {:>8} {:>20} {:>28}\n", "protocol", "overlaps", "entries", "held-out accuracy",
                     "shuffled labels (mean ± sd)");
  for (const auto& [protocol, scores] : result.by_protocol()) {
    for (const auto& s : *scores) {
      out += fmt::format("{:>10} {:>10} {:>8} {:>19.1f}% {:>20.1f}% ± {:.1f}\n", protocol, s.features, s.entries.size(),
                         100 * s.accuracy, 100 * s.shuffled_mean, 100 * s.shuffled_sd);
    }
  }
  out += fmt::format(
      "netprobe: {}-fold cross-validation by pair on the exact overlaps; authors: {} random splits holding out {} "
      "pairs, standardized overlaps plus noise of s.d. {:g}\n",
      config.folds, config.authors.splits, config.authors.test_groups, config.authors.feature_noise);
  return out;
}

}  // namespace netprobe::experiments
