#pragma once
/// `netprobe rnn decode`: does a network's connectivity record its history? (LOWRANK.md, memory
/// in invisible overlaps.) Each pair of twins starts from one random network; one twin learns task
/// A1, the other A2, then both learn the same task C. A logistic-regression decoder
/// (history_decoder.h), trained on some pairs and tested on the others, tells which first task a
/// network had from its overlaps after C: from the loss-visible entries, the invisible ones, or
/// all. The same decoder on shuffled labels is the chance control. Two protocols side by side:
/// netprobe's (grouped k-fold, exact features) and the authors' (random 8/2 pair splits, 50 of
/// them, standardized features with noise of s.d. 0.3).
///
///   DecodeConfig c;  c.first.decay = 0.1;  c.second.decay = 0.6;  c.common.decay = 0.3;
///   DecodeResult r = run_decode(c, false);   // r.scores[1].accuracy: from the invisible overlaps
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/rnn/history_decoder.h"
#include "experiments/rnn/run.h"

namespace netprobe::experiments {

struct DecodeConfig {
  RnnRunConfig first;                            ///< task A1 with the network options, eta, optimizer and seed
  RnnRunConfig second;                           ///< task A2 (same network)
  RnnRunConfig common;                           ///< task C (same network)
  int pairs = 10;                                ///< the authors' 8 training and 2 test pairs
  int epochs_first = 400, epochs_common = 2000;  ///< C long enough that both twins compute the same function
  int folds = 4;                                 ///< grouped by pair: both twins are in the same fold
  int shuffles = 20;                             ///< label permutations of the chance control
  double ridge = 1e-2;
  RandomSplitProtocol authors;  ///< the authors' protocol (its ridge: `ridge`)
  std::filesystem::path out;    ///< empty: compute only
  void validate() const;
};

/// Held-out accuracy of decoding the first task from one set of overlap entries.
struct DecodeScore {
  std::string features;  ///< "visible", "invisible" or "all"
  std::vector<std::string> entries;
  double accuracy = 0;
  double shuffled_mean = 0, shuffled_sd = 0;  ///< the same decoder on permuted labels
};
NETPROBE_JSON_FIELDS(DecodeScore, features, entries, accuracy, shuffled_mean, shuffled_sd)

struct DecodeNetwork {
  int pair = 0;
  int history = 0;  ///< 0: A1 first, 1: A2 first
  double loss_first = 0, loss_common = 0;
  torch::Tensor sigma;  ///< after C
};

struct DecodeResult {
  std::vector<DecodeNetwork> networks;
  std::vector<DecodeScore> scores;          ///< visible, invisible, all (netprobe's protocol)
  std::vector<DecodeScore> authors_scores;  ///< the same by the authors' protocol
  /// {"netprobe", &scores}, {"authors", &authors_scores}: the tables in the order they are written.
  std::vector<std::pair<std::string, const std::vector<DecodeScore>*>> by_protocol() const {
    return {{"netprobe", &scores}, {"authors", &authors_scores}};
  }
  core::Json to_json() const;
  static DecodeResult from_json(const core::Json& json, const std::string& source);
};

/// Trains 2 x pairs networks and decodes; with config.out, writes decode.csv, networks.csv,
/// result.json and meta.json atomically.
DecodeResult run_rnn_decode(const DecodeConfig& config, const core::RunContext& context);

std::string format_decode(const DecodeConfig& config, const DecodeResult& result);

}  // namespace netprobe::experiments
