#pragma once
/// Classification tasks built from a dataset: a class pair or any k-class subset.
///
///   TaskSpec spec{"mnist", {7, 9}};          // 7 -> label 0, 9 -> label 1
///   Task task = build_task(spec, data_dir);   // inputs in [-1, 1], flattened to 784
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/datasets.h"

namespace netprobe::data {

/// Inputs per image of the registered datasets (28 x 28).
inline constexpr int64_t kImagePixels = 28 * 28;

/// How pixels become inputs: kSigned x/255 then (x - 0.5)/0.5, in [-1, 1] (PROBES.md, the
/// default); kUnit x/255, in [0, 1], where a blank background is 0 rather than -1.
enum class InputScale { kSigned, kUnit };
InputScale parse_input_scale(const std::string& name);  ///< "signed" or "unit"; UsageError names --inputs
std::string to_string(InputScale scale);

struct TaskSpec {
  std::string dataset = "mnist";
  std::vector<int> classes;  ///< original class ids; position = new label
  InputScale inputs = InputScale::kSigned;

  /// Short stable id, e.g. "mnist-7v9", "fashion-mnist-0v1v2", "mnist-all" (every class in
  /// order); "-unit" appended for kUnit inputs ("mnist-7v9-unit").
  std::string id() const;
};

/// Parses a class list: "7,9", "3-1" (pair), or "all" (every class of the dataset).
/// Usage errors for duplicates, out-of-range classes, fewer than two classes, bad numbers.
std::vector<int> parse_classes(const std::string& text, const DatasetInfo& info);

/// Validates a spec against the registry (known dataset, distinct in-range classes, k >= 2).
void validate_task(const TaskSpec& spec);

struct Task {
  TaskSpec spec;
  int num_classes = 0;
  torch::Tensor train_x, train_y;  ///< float32 [n, 784] in [-1, 1] (or [0, 1]); int64 [n] in 0..k-1
  torch::Tensor test_x, test_y;
};

/// Pixels -> x/255, then (x - 0.5)/0.5 (kSigned, PROBES.md) or not (kUnit), flattened.
torch::Tensor normalize_images(const torch::Tensor& images_u8, InputScale scale = InputScale::kSigned);

/// Keeps the examples of the spec's classes, relabelled by position in `spec.classes`.
LabeledImages select_classes(const LabeledImages& split, const std::vector<int>& classes);

/// Builds the task from already loaded splits (a study loads each dataset once).
Task make_task(const TaskSpec& spec, const LabeledImages& train, const LabeledImages& test);

/// Loads both official splits from `data_dir` and builds the task.
Task build_task(const TaskSpec& spec, const std::filesystem::path& data_dir);

/// Validates the spec, resolves the data directory (see resolve_data_dir) and builds the task.
Task load_task(const TaskSpec& spec, const std::optional<std::filesystem::path>& data_dir);

}  // namespace netprobe::data
