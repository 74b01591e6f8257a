#include "experiments/study_tasks.h"

#include <algorithm>
#include <regex>

namespace netprobe::experiments {

std::optional<data::TaskSpec> parse_task_id(const std::string& text) {
  static const std::regex id(R"(^(.+)-([0-9]+(?:v[0-9]+)+|all)(-unit)?$)");
  std::smatch match;
  if (!std::regex_match(text, match, id)) return std::nullopt;
  const std::string dataset = match[1].str();
  bool known = false;
  for (const auto& info : data::dataset_registry()) known = known || info.name == dataset;
  if (!known) return std::nullopt;
  std::string classes = match[2].str();
  std::replace(classes.begin(), classes.end(), 'v', ',');
  return data::TaskSpec{dataset, data::parse_classes(classes, data::dataset_info(dataset)),
                        match[3].matched ? data::InputScale::kUnit : data::InputScale::kSigned};
}

const std::vector<data::TaskSpec>& default_tasks() {
  static const std::vector<data::TaskSpec> tasks = {
      {"mnist", {0, 7}}, {"mnist", {7, 9}}, {"fashion-mnist", {3, 2}}, {"fashion-mnist", {3, 1}}};
  return tasks;
}

std::vector<data::TaskSpec> select_tasks(const TaskSelection& o) {
  const bool any = !o.pairs.empty() || o.all_pairs || !o.class_sets.empty();
  if (!any) {
    std::vector<data::TaskSpec> out;
    for (const auto& t : default_tasks()) {
      if (o.datasets.empty() || std::find(o.datasets.begin(), o.datasets.end(), t.dataset) != o.datasets.end()) {
        out.push_back(t);
        out.back().inputs = o.inputs.value_or(t.inputs);
      }
    }
    if (out.empty()) {
      for (const auto& d : o.datasets) data::dataset_info(d);  // unknown dataset -> usage error
    }
    return out;
  }
  // Pairs and class sets apply to every selected dataset (MNIST when none is named).
  const std::vector<std::string> datasets = o.datasets.empty() ? std::vector<std::string>{"mnist"} : o.datasets;
  std::vector<data::TaskSpec> out;
  const auto add = [&](data::TaskSpec t) {
    t.inputs = o.inputs.value_or(t.inputs);
    data::validate_task(t);
    for (const auto& existing : out) {
      if (existing.id() == t.id()) return;
    }
    out.push_back(t);
  };
  for (const auto& d : datasets) {
    const auto& info = data::dataset_info(d);
    const int k = static_cast<int>(info.class_names.size());
    if (o.all_pairs) {
      for (int a = 0; a < k; ++a)
        for (int b = a + 1; b < k; ++b) add({d, {a, b}});
    }
    for (const auto& cs : o.class_sets) add({d, data::parse_classes(cs, info)});
  }
  for (const auto& pair : o.pairs) {
    if (const auto spec = parse_task_id(pair)) {
      add(*spec);
      continue;
    }
    const auto colon = pair.find(':');
    if (colon != std::string::npos) {
      const std::string d = pair.substr(0, colon);
      add({d, data::parse_classes(pair.substr(colon + 1), data::dataset_info(d))});
    } else {
      for (const auto& d : datasets) add({d, data::parse_classes(pair, data::dataset_info(d))});
    }
  }
  return out;
}

}  // namespace netprobe::experiments
