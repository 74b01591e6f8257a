#pragma once
/// How this process was started: its command line and the text of its --config file, recorded
/// in every meta.json so a run says how to reproduce it. Process-wide by nature: main records it
/// once; library callers (tests) that never record it get an empty object.
///
///   core::record_invocation(argc, argv);          // in main, after the config file was checked
///   core::invocation_json();   // {"argv": [...], "config_file": "run.toml", "config": "[study]\n..."}
#include <string>
#include <vector>

#include "core/json_io.h"

namespace netprobe::core {

/// Stores argv and, when `--config FILE` or `--config=FILE` is among the arguments, that file's
/// path and text (an unreadable file is recorded as such, never an error here).
void record_invocation(int argc, char** argv);

/// What record_invocation stored; an empty object when nothing was recorded.
Json invocation_json();

}  // namespace netprobe::core
