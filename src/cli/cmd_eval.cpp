#include "cli/cmd_eval.h"

#include <iostream>

#include "cli/option_binding.h"
#include "experiments/eval.h"

namespace netprobe::cli {

Command setup_eval(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("eval", "Re-evaluate a saved model on its task's test set, overall and per class");
  auto config = std::make_shared<experiments::EvalConfig>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--model", config->model, "Run directory written by netprobe train")->required();
  add_format_option(cmd, *format);
  return {cmd, [config, format, &global] {
            const experiments::EvalResult result = experiments::run_eval(*config, global.context());
            std::cout << (*format == "json" ? result.to_json().dump(2) + "\n" : experiments::format_eval(result));
          }};
}

}  // namespace netprobe::cli
