#include "experiments/rnn/network_options.h"

#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace netprobe::experiments {

RnnRunConfig RnnNetworkOptions::for_task(const RnnTaskChoice& task, const std::vector<RnnTaskChoice>& tasks,
                                         TaskDefaults scope, const core::RunContext& context) const {
  RnnRunConfig c = defaults;
  std::optional<RnnTaskDefaults> from_task;
  for (const auto& t : tasks) {
    if ((from_task = rnn_task_defaults(t.name))) break;
  }
  if (from_task) {
    c.n = from_task->n;
    c.activation = from_task->activation;
    c.dt = from_task->dt;
    c.steps = from_task->steps;
    c.trials = from_task->trials;
    c.eta = from_task->eta;
    if (scope == TaskDefaults::kWithEpochs) c.epochs = from_task->epochs;
  }
  c.n = n.value_or(c.n);
  c.activation = activation.value_or(c.activation);
  c.dt = dt.value_or(c.dt);
  c.steps = steps.value_or(c.steps);
  c.trials = trials.value_or(c.trials);
  c.eta = eta.value_or(c.eta);
  c.epochs = epochs.value_or(c.epochs);
  c.task = task.name;
  c.decay = task.decay;
  c.seed = context.seed_or(0);
  c.validate();
  return c;
}

std::vector<double> parse_overlap_numbers(const std::string& text) {
  std::string numbers = text;
  std::error_code ec;
  if (std::filesystem::is_regular_file(text, ec)) numbers = core::read_file(text);
  for (char& c : numbers) {
    if (c == ',' || c == ';' || c == '[' || c == ']' || std::isspace(static_cast<unsigned char>(c))) c = ' ';
  }
  std::istringstream in(numbers);
  std::vector<double> out;
  std::string token;
  while (in >> token) {
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size() || !std::isfinite(value)) {
      throw core::UsageError(fmt::format("--init-overlaps: '{}' is not a number (nor is '{}' a file)", token, text));
    }
    out.push_back(value);
  }
  if (out.empty()) throw core::UsageError(fmt::format("--init-overlaps: no numbers in '{}'", text));
  return out;
}

}  // namespace netprobe::experiments
