#pragma once
/// `netprobe rnn memory`, memory in invisible overlaps (LOWRANK.md): train A, then B, then A
/// again (or any sequence of phases, each with its task, rate, epochs and target noise), and
/// compare the overlaps at the end with those after the first phase. Linear phi: the invisible
/// overlaps come back up to an O(eta) residual (the conserved spectrum pins them); nonlinear phi:
/// a residual persists.
///
///   MemoryConfig c;  c.b.decay = 0.4;  c.etas = {5e-3, 2.5e-3};
///   auto runs = run_memory(c, false).runs;   // runs[0].invisible_residual / runs[1]... ~ 2
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/rnn/run.h"

namespace netprobe::experiments {

/// One phase: task A or B, its epochs (at the first eta), its rate as a multiple of the run's eta,
/// and the s.d. of the noise added to its targets (fresh each epoch).
struct MemoryPhase {
  char task = 'A';
  int epochs = 1000;
  double rate = 1;
  double target_noise = 0;
  std::string label() const;  ///< "A:1000", "A:1000:rate=2:noise=0.1"
};
/// "A:3000,B:1000,A:1000:rate=2:noise=0.1": phases separated by commas, each TASK:EPOCHS with
/// optional :rate=R and :noise=S. UsageError naming --phases otherwise.
std::vector<MemoryPhase> parse_memory_phases(const std::string& text);

struct MemoryConfig {
  RnnRunConfig a;  ///< network, task A, eta, optimizer and seed; a.epochs is ignored
  RnnRunConfig b;  ///< task B (same network options)
  int epochs_a = 3000, epochs_b = 1000, epochs_a2 = 1000;  ///< at the first eta; scaled by eta0 / eta
  /// The phases; empty: A:epochs_a, B:epochs_b, A:epochs_a2. The first phase is the reference
  /// the end is compared with.
  std::vector<MemoryPhase> phases;
  std::vector<double> etas;  ///< learning rates to compare; empty: a.eta and a.eta / 2
  /// 0: each phase trains its epochs. > 0: each phase then goes on, in chunks of its epochs / 10,
  /// until the overlaps move slower than this per unit of learning time (max |dSigma| / (eta x
  /// epochs) over a chunk), for at most 20 x its epochs; so every eta is compared at the same
  /// convergence. GD only (Adam's state would restart with every chunk). Phases with target
  /// noise are not extended (the noise keeps the overlaps moving).
  double converge = 0;
  std::filesystem::path out;  ///< empty: compute only
  /// UsageError naming the option of an invalid value.
  void validate() const;
  /// The learning rates run, in order (etas, or a.eta and a.eta / 2).
  std::vector<double> etas_run() const;
  /// The phases run (phases, or the default three).
  std::vector<MemoryPhase> phases_run() const;
  /// "A -> B -> A" or, with phases set, their labels joined by " -> ".
  std::string sequence_label() const;
};

/// Where one phase ended.
struct MemoryPhaseEnd {
  MemoryPhase phase;  ///< epochs: as trained (scaled by eta, lengthened by converge)
  double loss = 0;    ///< on its task's noise-free targets
  torch::Tensor sigma;
  /// max |Sigma - Sigma_first| over the invisible entries / max |Sigma_first| there (Sigma_first: after phase 0)
  double invisible_distance = 0;
  /// max |dSigma| per unit of learning time over the phase's last tracked interval, all entries
  /// and the invisible ones: how far from converged the phase stopped.
  double end_velocity = 0, end_velocity_invisible = 0;
};

/// One learning rate's run. With the default phases, A is phase 0, B phase 1 and A2 phase 2; with
/// others, A is the first phase, B the first phase of the other task and A2 the last phase.
struct MemoryRun {
  double eta = 0;
  std::vector<MemoryPhaseEnd> phases;
  const MemoryPhaseEnd& a() const { return phases.front(); }
  const MemoryPhaseEnd& b() const;  ///< core::Error if no phase has the other task
  const MemoryPhaseEnd& a2() const { return phases.back(); }
  double loss_a_after_b = 0;      ///< task A's loss right after learning B
  double invisible_residual = 0;  ///< max |Sigma_A2 - Sigma_A| over invisible entries / max |Sigma_A| there
  double visible_residual = 0;    ///< the same over visible entries
  double invisible_moved = 0;     ///< max |Sigma_B - Sigma_A| over invisible entries (what B changed)
  /// The largest invisible distance from Sigma_A anywhere after phase 0 (every tracked epoch):
  /// how far the later phases took the invisible overlaps before the end.
  double invisible_excursion = 0;
  bool converged = true;                          ///< with config.converge: every phase reached it within its epoch cap
  std::vector<models::OverlapRecord> trajectory;  ///< all phases, epochs counted from the start
};

struct MemoryResult {
  std::vector<MemoryRun> runs;  ///< one per eta, in config order
  core::Json to_json() const;
  static MemoryResult from_json(const core::Json& json, const std::string& source);
};

/// One A -> B -> A run per eta, from the same seeded initialization. With config.out, writes
/// memory.csv, one trajectory per eta, result.json and meta.json atomically.
MemoryResult run_rnn_memory(const MemoryConfig& config, const core::RunContext& context);

/// The table `rnn memory` prints, with the residual ratios between consecutive etas.
std::string format_memory(const MemoryConfig& config, const MemoryResult& result);

}  // namespace netprobe::experiments
