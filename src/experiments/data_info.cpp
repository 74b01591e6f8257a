#include "experiments/data_info.h"

#include <numeric>

#include <fmt/format.h>

#include "data/datasets.h"

namespace netprobe::experiments {

DataInfoResult run_data_info(const DataInfoConfig& config, const core::RunContext& context) {
  std::vector<const data::DatasetInfo*> selected;
  if (!config.dataset.empty()) {
    selected.push_back(&data::dataset_info(config.dataset));
  } else {
    for (const auto& info : data::dataset_registry()) selected.push_back(&info);
  }
  DataInfoResult result;
  for (const data::DatasetInfo* info : selected) {
    DatasetCounts counts{info->name, data::resolve_data_dir(*info, context.data_dir), info->class_names, {}, {}};
    const int k = static_cast<int>(info->class_names.size());
    counts.train = data::class_counts(data::load_split(*info, data::Split::kTrain, counts.dir), k);
    counts.test = data::class_counts(data::load_split(*info, data::Split::kTest, counts.dir), k);
    result.datasets.push_back(std::move(counts));
  }
  return result;
}

std::string format_data_info(const DataInfoResult& result) {
  std::string out;
  for (const auto& d : result.datasets) {
    out += fmt::format("{} ({})\n", d.name, d.dir.string());
    out += fmt::format("  {:>5}  {:<12} {:>7} {:>7}\n", "class", "name", "train", "test");
    for (size_t c = 0; c < d.class_names.size(); ++c) {
      out += fmt::format("  {:>5}  {:<12} {:>7} {:>7}\n", c, d.class_names[c], d.train[c], d.test[c]);
    }
    out += fmt::format("  {:>5}  {:<12} {:>7} {:>7}\n", "all", "",
                       std::accumulate(d.train.begin(), d.train.end(), int64_t{0}),
                       std::accumulate(d.test.begin(), d.test.end(), int64_t{0}));
  }
  return out;
}

}  // namespace netprobe::experiments
