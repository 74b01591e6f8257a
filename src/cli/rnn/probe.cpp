// `netprobe rnn probe`: the probes on a trained RNN's vectors, scored by the task loss.
#include <iostream>

#include <fmt/format.h>

#include "cli/rnn/cmd_rnn.h"
#include "cli/rnn/options.h"
#include "experiments/rnn/probe.h"

namespace netprobe::cli {

Command setup_rnn_probe(CLI::App* rnn, const GlobalOptions& global) {
  CLI::App* cmd = rnn->add_subcommand("probe", "Prune, binarize, add noise, flip and shuffle a trained RNN's vectors");
  auto config = std::make_shared<experiments::RnnProbeConfig>();
  cmd->add_option("--model", config->model, "Run directory of `netprobe rnn train`")->required();
  cmd->add_option("--scopes", config->scopes,
                  "Vectors to probe: U+V (connectivity), all, or any of m, U, V, z joined by +")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--profile", config->profile, "Also probe m, U, V and z one at a time");
  cmd->add_option("--out", config->out, "Directory for rows.csv, result.json and figures/")->required();
  return {cmd, [config, &global] {
            const auto result = experiments::run_rnn_probe(*config, global.context());
            report_figures(config->out);
            std::cout << experiments::format_rnn_probe(result)
                      << fmt::format("{} evaluations -> {}\n", result.rows.size(), config->out.string());
          }};
}

}  // namespace netprobe::cli
