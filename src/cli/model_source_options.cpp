#include "cli/model_source_options.h"

namespace netprobe::cli {

void add_model_source_options(CLI::App* cmd, experiments::ProbeModelSource& source) {
  cmd->add_option("--model", source.model,
                  "A run directory written by netprobe train, or a TorchScript file "
                  "(torch.jit.script(model).save(path))")
      ->required();
  cmd->add_option("--data", source.data,
                  "Test set: a torch.save file of {\"x\": inputs, \"y\": labels}, or a task id (mnist-7v9) or "
                  "dataset (mnist); default: a run directory's own task");
  cmd->add_option("--input-shape", source.input_shape,
                  "Reshape task images to [n, shape] for the model, e.g. 1,28,28 for a CNN")
      ->delimiter(',');
  cmd->add_option("--batch", source.batch, "Examples per forward call of a TorchScript model")->capture_default_str();
  cmd->add_option("--loss", source.loss,
                  "Loss column of a TorchScript model: none, cross-entropy (outputs are logits) or nll "
                  "(log-probabilities)")
      ->capture_default_str();
  cmd->add_option("--include", source.include,
                  "Also probe these roles, comma-separated: biases, norms (scale and shift), others (default: the "
                  "weights and embeddings only, tensors of rank >= 2)");
  cmd->add_flag("--split-attention", source.split_attention,
                "An attention's in_proj as three layers q, k, v (TorchScript models)");
  cmd->add_flag("--split-gates", source.split_gates,
                "A recurrent layer's gates as layers (LSTM i, f, g, o; GRU r, z, n; TorchScript models)");
}

}  // namespace netprobe::cli
