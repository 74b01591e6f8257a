#pragma once
/// Perturbation by learning (LOWRANK.md): a twin of a network with the same loss-visible
/// overlaps and different loss-invisible ones computes the same function, yet learns a new
/// task along a different loss curve, and the overlap theory predicts both curves.
#include <vector>

#include "models/rnn_run.h"

namespace netprobe::models {

/// C' = [P A | P^-T B] with P = I + (s - 1) q q^T for a unit vector q (so P^-T = I + (1/s - 1) q q^T)
/// keeps Sigma_AB = A^T B / N exactly. Linear phi: q is a random direction in span(C), which
/// changes Sigma_AA and Sigma_BB. Nonlinear phi: Sigma_BB is visible too, so q is taken in span(A)
/// orthogonal to span(B) (then P^-T B = B) and only Sigma_AA changes.
torch::Tensor make_twin(const torch::Tensor& c, int64_t rank, RnnActivation activation, double stretch,
                        at::Generator& gen);

struct TwinsConfig {
  RnnRunConfig first;          ///< the original network: init (seed) and training on task A
  RnnRunConfig second;         ///< what both twins learn next (task B); same network options
  int pretrain_epochs = 1000;  ///< epochs on task A before the twin is made (0: twin a random init)
  double stretch = 2.0;        ///< s of P
  void validate() const;
};

struct TwinsResult {
  double output_gap = 0;          ///< max |y - y'| / max |y| on task B's inputs, before learning it
  double output_gap_theory = 0;   ///< the same for the latent model (closure level for nonlinear phi)
  double invisible_change = 0;    ///< max |dSigma| over invisible entries / max |Sigma| at the start
  double visible_change = 0;      ///< the same over visible entries (round-off by construction)
  double max_curve_gap = 0;       ///< max over epochs of |L - L'| / max(L, L') while learning B
  double final_loss = 0, final_loss_twin = 0;
  double theory_error = 0;        ///< max relative loss error of theory vs simulation (both twins)
  std::vector<OverlapRecord> original, twin, original_theory, twin_theory;  ///< every epoch of B
};

TwinsResult run_twins(const TwinsConfig& config, bool progress);

}  // namespace netprobe::models
