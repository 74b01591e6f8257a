#include "data/task.h"

#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::data {

using core::UsageError;

InputScale parse_input_scale(const std::string& name) {
  if (name == "signed") return InputScale::kSigned;
  if (name == "unit") return InputScale::kUnit;
  throw UsageError(fmt::format("--inputs: '{}' is not an input scale (signed: [-1, 1], unit: [0, 1])", name));
}

std::string to_string(InputScale scale) { return scale == InputScale::kUnit ? "unit" : "signed"; }

std::string TaskSpec::id() const {
  std::string s = dataset + "-";
  // Every class in order: "mnist-all", not "mnist-0v1v2v3v4v5v6v7v8v9".
  size_t known = 0;  // the dataset's number of classes (0 for an unknown dataset: never "all")
  for (const auto& info : dataset_registry()) known = info.name == dataset ? info.class_names.size() : known;
  bool all = known > 0 && classes.size() == known;
  for (size_t i = 0; all && i < classes.size(); ++i) all = classes[i] == static_cast<int>(i);
  if (all) {
    s += "all";
  } else {
    for (size_t i = 0; i < classes.size(); ++i) s += (i ? "v" : "") + std::to_string(classes[i]);
  }
  if (inputs == InputScale::kUnit) s += "-unit";
  return s;
}

std::vector<int> parse_classes(const std::string& text, const DatasetInfo& info) {
  const int k = static_cast<int>(info.class_names.size());
  if (text == "all") {
    std::vector<int> all(static_cast<size_t>(k));
    for (int i = 0; i < k; ++i) all[static_cast<size_t>(i)] = i;
    return all;
  }
  const char sep = text.find(',') != std::string::npos ? ',' : '-';
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, sep)) {
    size_t used = 0;
    int value = -1;
    try {
      value = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size()) {
      throw UsageError(fmt::format("--classes: '{}' is not a class number in '{}'", item, text));
    }
    out.push_back(value);
  }
  TaskSpec spec{info.name, out};
  validate_task(spec);
  return out;
}

void validate_task(const TaskSpec& spec) {
  const DatasetInfo& info = dataset_info(spec.dataset);
  const int k = static_cast<int>(info.class_names.size());
  if (spec.classes.size() < 2) {
    throw UsageError(fmt::format("--classes: a task needs at least two classes, got {}", spec.classes.size()));
  }
  std::set<int> seen;
  for (int c : spec.classes) {
    if (c < 0 || c >= k) {
      throw UsageError(fmt::format("--classes: class {} is out of range for {} (0..{})", c, spec.dataset, k - 1));
    }
    if (!seen.insert(c).second) throw UsageError(fmt::format("--classes: class {} is given twice", c));
  }
}

torch::Tensor normalize_images(const torch::Tensor& images_u8, InputScale scale) {
  torch::Tensor x = images_u8.reshape({images_u8.size(0), -1}).to(torch::kFloat32).div_(255.0f);
  return scale == InputScale::kSigned ? x.sub_(0.5f).div_(0.5f) : x;
}

LabeledImages select_classes(const LabeledImages& split, const std::vector<int>& classes) {
  // Map original label -> new label (-1 = dropped), then gather in original order.
  torch::Tensor mapping = torch::full({256}, -1, torch::kInt64);
  for (size_t i = 0; i < classes.size(); ++i) mapping[classes[i]] = static_cast<int64_t>(i);
  const torch::Tensor new_labels = mapping.index_select(0, split.labels);
  const torch::Tensor keep = new_labels.ge(0).nonzero().squeeze(1);
  return {split.images.index_select(0, keep), new_labels.index_select(0, keep)};
}

Task make_task(const TaskSpec& spec, const LabeledImages& train_split, const LabeledImages& test_split) {
  validate_task(spec);
  Task task;
  task.spec = spec;
  task.num_classes = static_cast<int>(spec.classes.size());
  const LabeledImages train = select_classes(train_split, spec.classes);
  const LabeledImages test = select_classes(test_split, spec.classes);
  task.train_x = normalize_images(train.images, spec.inputs);
  task.train_y = train.labels;
  task.test_x = normalize_images(test.images, spec.inputs);
  task.test_y = test.labels;
  return task;
}

Task build_task(const TaskSpec& spec, const std::filesystem::path& data_dir) {
  validate_task(spec);
  const DatasetInfo& info = dataset_info(spec.dataset);
  return make_task(spec, load_split(info, Split::kTrain, data_dir), load_split(info, Split::kTest, data_dir));
}

Task load_task(const TaskSpec& spec, const std::optional<std::filesystem::path>& data_dir) {
  validate_task(spec);
  return build_task(spec, resolve_data_dir(dataset_info(spec.dataset), data_dir));
}

}  // namespace netprobe::data
