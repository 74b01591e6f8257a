#pragma once
/// The RNN tasks' parameters (models/rnn/tasks.h) as the `rnn` commands name, store and read them:
/// a preset (authors: the authors' definitions, the default; netprobe-v1: what netprobe used
/// before) and config.json's "task_params".
///
///   RnnTaskParams p = task_preset("netprobe-v1");   // first flip-flop pulse after a gap, fixation scored
///   Json j = task_params_to_json(p);  task_params_from_json(j) == p
#include <string>

#include "core/json_io.h"
#include "models/rnn/tasks.h"

namespace netprobe::experiments {

/// authors | netprobe-v1; UsageError naming --task-preset otherwise.
models::RnnTaskParams task_preset(const std::string& name);

core::Json task_params_to_json(const models::RnnTaskParams& params);
/// Inverse of task_params_to_json; throws (nlohmann or UsageError) on a missing or invalid field.
models::RnnTaskParams task_params_from_json(const core::Json& json);

}  // namespace netprobe::experiments
