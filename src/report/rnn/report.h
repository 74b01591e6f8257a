#pragma once
/// Figures of the low-rank RNN run directories (rnn train, theory, twins, memory, probe), read
/// back from the files the experiments wrote.
#include <filesystem>
#include <string>
#include <vector>

#include "report/plot.h"

namespace netprobe::report {

/// The figures of the RNN run directory `dir` of `kind` (any RNN kind), built from its files.
/// core::Error naming the file when a result cannot be read back.
std::vector<Figure> rnn_run_figures(const std::filesystem::path& dir, const std::string& kind);

}  // namespace netprobe::report
