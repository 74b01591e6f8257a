#include "cli/cmd_layers.h"

#include <iostream>

#include "cli/model_source_options.h"
#include "cli/option_binding.h"
#include "experiments/layers.h"

namespace netprobe::cli {

Command setup_layers(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "layers", "List a model's layers as the probes see them: type, shape, roles, σ(w) (and with --data its metric)");
  auto c = std::make_shared<experiments::LayersConfig>();
  auto format = std::make_shared<std::string>("table");
  add_model_source_options(cmd, c->source);
  cmd->add_option("--metric", c->source.metric, "With --data: accuracy, top5, macro_f1 or loss")->capture_default_str();
  add_format_option(cmd, *format);
  return {cmd, [c, format, &global] {
            const experiments::LayersResult r = experiments::run_layers(*c, global.context());
            std::cout << (*format == "json" ? r.to_json().dump(2) + "\n" : experiments::format_layers(r));
          }};
}

}  // namespace netprobe::cli
