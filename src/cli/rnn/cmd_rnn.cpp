#include "cli/rnn/cmd_rnn.h"

namespace netprobe::cli {

std::vector<Command> setup_rnn(CLI::App& app, const GlobalOptions& global) {
  CLI::App* rnn = app.add_subcommand("rnn", "Low-rank RNNs: training and learning in overlap space");
  rnn->require_subcommand(1);
  return {setup_rnn_train(rnn, global),  setup_rnn_theory(rnn, global), setup_rnn_twins(rnn, global),
          setup_rnn_memory(rnn, global), setup_rnn_probe(rnn, global),  setup_rnn_decode(rnn, global)};
}

}  // namespace netprobe::cli
