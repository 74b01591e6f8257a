#include "models/mlp_group_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "train/gradient_optimizer.h"
#include "train/progress_bar.h"

namespace netprobe::models {

namespace {

// The backward of apply_activation as autograd computes it, from the activation's output.
torch::Tensor activation_backward(Activation activation, const torch::Tensor& grad, const torch::Tensor& output) {
  switch (activation) {
    case Activation::kRelu: return torch::threshold_backward(grad, output, 0);
    case Activation::kTanh: return torch::tanh_backward(grad, output);
    case Activation::kSigmoid: return torch::sigmoid_backward(grad, output);
  }
  return grad;
}

// bmm and baddbmm compute a product of contraction x rows x cols < 400 with their own loops, not
// with BLAS as mm and addmm do (LibTorch 1.13, bmm_out_or_baddbmm_), so such products (a last
// batch of 3 examples, say) are made member by member with the calls one model makes.
constexpr int64_t kBmmOwnLoopsBelow = 400;

bool bmm_uses_own_loops(const torch::Tensor& a, const torch::Tensor& b) {
  return a.size(2) * a.size(1) * b.size(2) < kBmmOwnLoopsBelow;
}

// a [S, n, k] x b [S, k, m], plus bias [S, m] when defined, each member as addmm or mm would.
torch::Tensor group_linear(const torch::Tensor& bias, const torch::Tensor& a, const torch::Tensor& b) {
  if (!bmm_uses_own_loops(a, b)) return bias.defined() ? torch::baddbmm(bias.unsqueeze(1), a, b) : torch::bmm(a, b);
  std::vector<torch::Tensor> out;
  for (int64_t s = 0; s < a.size(0); ++s)
    out.push_back(bias.defined() ? torch::addmm(bias[s], a[s], b[s]) : torch::mm(a[s], b[s]));
  return torch::stack(out);
}

// The members' layers stacked: weights [members, out, in], biases [members, out] (or undefined).
struct GroupLayer {
  torch::Tensor weight, bias;
};

std::vector<GroupLayer> stack_layers(const std::vector<MlpGroupMember>& members) {
  std::vector<GroupLayer> layers;
  const auto& first = members.front().model->layers();
  for (size_t l = 0; l < first.size(); ++l) {
    std::vector<torch::Tensor> weights, biases;
    for (const auto& m : members) {
      weights.push_back(m.model->layers()[l]->weight.detach());
      if (first[l]->bias.defined()) biases.push_back(m.model->layers()[l]->bias.detach());
    }
    layers.push_back({torch::stack(weights), biases.empty() ? torch::Tensor() : torch::stack(biases)});
  }
  return layers;
}

void copy_back(const std::vector<GroupLayer>& layers, std::vector<MlpGroupMember>& members) {
  torch::NoGradGuard no_grad;
  for (size_t s = 0; s < members.size(); ++s) {
    const int64_t i = static_cast<int64_t>(s);
    for (size_t l = 0; l < layers.size(); ++l) {
      members[s].model->layers()[l]->weight.copy_(layers[l].weight[i]);
      if (layers[l].bias.defined()) members[s].model->layers()[l]->bias.copy_(layers[l].bias[i]);
    }
  }
}

void check_members(const std::vector<MlpGroupMember>& members) {
  if (members.empty()) throw core::Error("MLP group: no members");
  const auto& first = members.front();
  for (const auto& m : members) {
    if (m.source == nullptr || m.source->weighted()) throw core::Error("MLP group: a member without plain batches");
    const auto& a = m.model->options();
    const auto& b = first.model->options();
    if (a.input_size() != b.input_size() || a.classes() != b.classes() || a.hidden() != b.hidden() ||
        a.activation() != b.activation() || a.bias() != b.bias()) {
      throw core::Error("MLP group: members differ in architecture");
    }
    if (!m.source->inputs().is_same(first.source->inputs()) || !m.source->targets().is_same(first.source->targets()) ||
        m.source->batches_per_epoch() != first.source->batches_per_epoch()) {
      throw core::Error("MLP group: members differ in data or batch size");
    }
  }
}

}  // namespace

std::vector<std::vector<core::Json>> fit_mlp_group(std::vector<MlpGroupMember>& members,
                                                   const train::OptimizerConfig& optimizer,
                                                   const train::TrainConfig& config) {
  if (config.epochs < 1) throw core::UsageError(fmt::format("--epochs: must be >= 1, got {}", config.epochs));
  if (!(optimizer.lr > 0)) throw core::UsageError(fmt::format("--lr: must be > 0, got {}", optimizer.lr));
  check_members(members);
  torch::NoGradGuard no_grad;
  const int64_t count = static_cast<int64_t>(members.size());
  const Activation activation = members.front().model->options().activation();
  const torch::Tensor& inputs = members.front().source->inputs();
  const torch::Tensor& targets = members.front().source->targets();
  const int64_t classes = members.front().model->options().classes();
  std::vector<GroupLayer> layers = stack_layers(members);
  train::GradientOptimizer update(optimizer, 2 * layers.size());

  const int64_t steps = members.front().source->batches_per_epoch();
  train::ProgressBar bar(config.label, steps * config.epochs, config.progress);
  std::vector<std::vector<core::Json>> histories(members.size());
  const auto run_start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const double lr = train::lr_at(config.schedule, optimizer.lr, epoch, config.epochs);
    for (auto& m : members) m.source->start_epoch(epoch);
    std::vector<double> loss_sum(members.size(), 0.0);
    int64_t seen = 0;
    torch::Tensor correct = torch::zeros({count}, torch::kLong);
    for (int64_t step = 0; step < steps; ++step) {
      std::vector<torch::Tensor> rows;
      for (const auto& m : members) rows.push_back(m.source->rows(step));
      const torch::Tensor index = torch::cat(rows);
      const int64_t batch = rows.front().size(0);
      const torch::Tensor y = targets.index_select(0, index);

      // Forward: Linear's addmm (bias) or mm per member, as bmm over the stack.
      std::vector<torch::Tensor> acts{inputs.index_select(0, index).view({count, batch, -1})};
      torch::Tensor z;
      for (size_t l = 0; l < layers.size(); ++l) {
        const torch::Tensor wt = layers[l].weight.transpose(1, 2);
        z = group_linear(layers[l].bias, acts.back(), wt);
        if (l + 1 < layers.size()) acts.push_back(apply_activation(activation, z));
      }
      const torch::Tensor log_probs = torch::log_softmax(z.view({count * batch, classes}), 1);
      for (int64_t s = 0; s < count; ++s) {
        const double loss =
            torch::nll_loss(log_probs.slice(0, s * batch, (s + 1) * batch), y.slice(0, s * batch, (s + 1) * batch))
                .item<double>();
        if (!std::isfinite(loss)) {
          throw core::Error(fmt::format("{}: member {}: loss became {} at epoch {} step {} (try a smaller --lr)",
                                        config.label, s + 1, loss, epoch + 1, step + 1));
        }
        loss_sum[static_cast<size_t>(s)] += loss * static_cast<double>(batch);
      }
      seen += batch;
      correct += log_probs.argmax(1).eq(y).view({count, batch}).sum(1);

      // Backward: nll_loss (mean) puts -1/batch on each target's log-probability.
      const float target_grad = -(1.0F / static_cast<float>(batch));
      torch::Tensor grad = torch::zeros_like(log_probs).scatter_(1, y.unsqueeze(1), target_grad);
      grad = torch::_log_softmax_backward_data(grad, log_probs, 1, torch::kFloat).view({count, batch, classes});
      for (size_t l = layers.size(); l-- > 0;) {
        const torch::Tensor grad_weight = group_linear({}, grad.transpose(1, 2), acts[l]);
        const torch::Tensor grad_bias = layers[l].bias.defined() ? grad.sum(1) : torch::Tensor();
        if (l > 0) grad = activation_backward(activation, group_linear({}, grad, layers[l].weight), acts[l]);
        update.step(2 * l, layers[l].weight, grad_weight, lr);
        if (grad_bias.defined()) update.step(2 * l + 1, layers[l].bias, grad_bias, lr);
      }
      if (config.progress) {
        double mean_loss = 0;
        for (double l : loss_sum) mean_loss += l / static_cast<double>(seen * count);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
        bar.update(epoch * steps + step + 1,
                   fmt::format("epoch {}/{} loss {:.4f} {:.0f} samples/s", epoch + 1, config.epochs, mean_loss,
                               static_cast<double>((epoch * members.front().source->examples() + seen) * count) /
                                   std::max(elapsed, 1e-9)));
      }
    }
    copy_back(layers, members);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count() /
                           static_cast<double>(count);
    for (size_t s = 0; s < members.size(); ++s) {
      core::Json record = {{"epoch", epoch + 1}, {"lr", lr}, {"loss", loss_sum[s] / static_cast<double>(seen)}};
      record["train_acc"] =
          100.0 * static_cast<double>(correct[static_cast<int64_t>(s)].item<int64_t>()) / static_cast<double>(seen);
      if (members[s].evaluate) record.update(members[s].evaluate(epoch));
      record["seconds"] = seconds;
      for (const auto& callback : members[s].callbacks) callback(record);
      histories[s].push_back(std::move(record));
    }
  }
  bar.finish();
  return histories;
}

}  // namespace netprobe::models
