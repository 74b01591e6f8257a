#include "experiments/rnn/network_options.h"

#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "experiments/rnn/task_params.h"

namespace netprobe::experiments {

namespace {

std::vector<double> sized(const std::optional<std::vector<double>>& values, size_t size, const std::string& option) {
  if (values->size() != size) {
    throw core::UsageError(fmt::format("{}: needs {} comma-separated numbers, got {}", option, size, values->size()));
  }
  return *values;
}

}  // namespace

models::RnnTaskParams RnnTaskParamOptions::resolve() const {
  models::RnnTaskParams p = task_preset(preset);
  if (flipflop_first) p.flipflop.first_pulse = *flipflop_first;
  if (flipflop_gap) {
    const auto gap = sized(flipflop_gap, 2, "--flipflop-gap");
    p.flipflop.gap_min = gap[0];
    p.flipflop.gap_max = gap[1];
  }
  if (pulse_amplitude) p.flipflop.amplitude = *pulse_amplitude;
  if (flipflop_target) p.flipflop.target = *flipflop_target;
  if (coherences) p.decision.coherences = *coherences;
  if (decision_periods) {
    const auto periods = sized(decision_periods, 3, "--decision-periods");
    p.decision.fixation = periods[0];
    p.decision.stimulus = periods[1];
    p.decision.delay = periods[2];
  }
  if (input_noise) p.decision.input_noise = *input_noise;
  if (teacher_input) {
    const auto input = sized(teacher_input, 2, "--teacher-input");
    p.teacher.noise_scale = input[0];
    p.teacher.pulse_scale = input[1];
  }
  if (teacher_overlaps) p.teacher.overlaps = *teacher_overlaps;
  p.validate();
  return p;
}

RnnRunConfig RnnNetworkOptions::for_task(const RnnTaskChoice& task, const std::vector<RnnTaskChoice>& tasks,
                                         TaskDefaults scope, const core::RunContext& context) const {
  RnnRunConfig c = defaults;
  c.task_params = task_params.resolve();
  std::optional<RnnTaskDefaults> from_task;
  for (const auto& t : tasks) {
    if ((from_task = rnn_task_defaults(t.name, c.task_params))) break;
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

std::optional<double> parse_finite_number(const std::string& token) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(token, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != token.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::vector<double> parse_overlap_numbers(const std::string& text, const std::string& option) {
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
    const auto value = parse_finite_number(token);
    if (!value)
      throw core::UsageError(fmt::format("{}: '{}' is not a number (nor is '{}' a file)", option, token, text));
    out.push_back(*value);
  }
  if (out.empty()) throw core::UsageError(fmt::format("{}: no numbers in '{}'", option, text));
  return out;
}

}  // namespace netprobe::experiments
