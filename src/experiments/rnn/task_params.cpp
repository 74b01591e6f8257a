#include "experiments/rnn/task_params.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::experiments {

using core::Json;

models::RnnTaskParams task_preset(const std::string& name) {
  if (name == "authors") return models::RnnTaskParams::authors();
  if (name == "netprobe-v1") return models::RnnTaskParams::netprobe_v1();
  throw core::UsageError(fmt::format("--task-preset: unknown preset '{}' (authors or netprobe-v1)", name));
}

Json task_params_to_json(const models::RnnTaskParams& p) {
  const auto& f = p.flipflop;
  const auto& d = p.decision;
  return {{"flipflop",
           {{"first_pulse", f.first_pulse ? Json(*f.first_pulse) : Json(nullptr)},
            {"gap", {f.gap_min, f.gap_max}},
            {"pulse_time", f.pulse_time},
            {"amplitude", f.amplitude},
            {"target", f.target},
            {"unscored_after", f.unscored_after},
            {"unscored_lead", f.unscored_lead},
            {"score_before_first", f.score_before_first}}},
          {"decision",
           {{"coherences", d.coherences},
            {"periods", {d.fixation, d.stimulus, d.delay}},
            {"input_noise", d.input_noise},
            {"score_fixation", d.score_fixation}}},
          {"teacher", {{"input", {p.teacher.noise_scale, p.teacher.pulse_scale}}, {"overlaps", p.teacher.overlaps}}}};
}

models::RnnTaskParams task_params_from_json(const Json& json) {
  models::RnnTaskParams p;
  const Json& f = json.at("flipflop");
  if (f.at("first_pulse").is_null()) {
    p.flipflop.first_pulse.reset();
  } else {
    p.flipflop.first_pulse = f.at("first_pulse").get<double>();
  }
  const auto gap = f.at("gap").get<std::vector<double>>();
  if (gap.size() != 2) throw core::Error("flipflop.gap must hold two numbers");
  p.flipflop.gap_min = gap[0];
  p.flipflop.gap_max = gap[1];
  p.flipflop.pulse_time = f.at("pulse_time").get<double>();
  p.flipflop.amplitude = f.at("amplitude").get<double>();
  p.flipflop.target = f.at("target").get<double>();
  p.flipflop.unscored_after = f.at("unscored_after").get<double>();
  p.flipflop.unscored_lead = f.at("unscored_lead").get<int64_t>();
  p.flipflop.score_before_first = f.at("score_before_first").get<bool>();
  const Json& d = json.at("decision");
  p.decision.coherences = d.at("coherences").get<std::vector<double>>();
  const auto periods = d.at("periods").get<std::vector<double>>();
  if (periods.size() != 3) throw core::Error("decision.periods must hold three numbers");
  p.decision.fixation = periods[0];
  p.decision.stimulus = periods[1];
  p.decision.delay = periods[2];
  p.decision.input_noise = d.at("input_noise").get<double>();
  p.decision.score_fixation = d.at("score_fixation").get<bool>();
  const Json& t = json.at("teacher");
  const auto input = t.at("input").get<std::vector<double>>();
  if (input.size() != 2) throw core::Error("teacher.input must hold two numbers");
  p.teacher.noise_scale = input[0];
  p.teacher.pulse_scale = input[1];
  p.teacher.overlaps = t.at("overlaps").get<std::vector<double>>();
  p.validate();
  return p;
}

}  // namespace netprobe::experiments
