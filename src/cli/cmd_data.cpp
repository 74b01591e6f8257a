#include "cli/cmd_data.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "data/datasets.h"

namespace netprobe::cli {

Command setup_data(CLI::App& app, const GlobalOptions& global) {
  CLI::App* data = app.add_subcommand("data", "Inspect the datasets");
  data->require_subcommand(1);
  CLI::App* info = data->add_subcommand("info", "Per-split, per-class image counts");
  auto options = std::make_shared<DataInfoOptions>();
  info->add_option("--dataset", options->dataset, "mnist or fashion-mnist (default: all)");
  return {info, [options, &global] {
            options->data_dir = global.data_dir;
            run_data_info(*options, std::cout);
          }};
}

void run_data_info(const DataInfoOptions& options, std::ostream& out) {
  std::vector<const data::DatasetInfo*> selected;
  if (!options.dataset.empty()) {
    selected.push_back(&data::dataset_info(options.dataset));
  } else {
    for (const auto& info : data::dataset_registry()) selected.push_back(&info);
  }
  for (const data::DatasetInfo* info : selected) {
    const auto dir = data::resolve_data_dir(*info, options.data_dir);
    fmt::print(out, "{} ({})\n", info->name, dir.string());
    fmt::print(out, "  {:>5}  {:<12} {:>7} {:>7}\n", "class", "name", "train", "test");
    const int k = static_cast<int>(info->class_names.size());
    const auto train = data::class_counts(data::load_split(*info, data::Split::kTrain, dir), k);
    const auto test = data::class_counts(data::load_split(*info, data::Split::kTest, dir), k);
    int64_t train_total = 0, test_total = 0;
    for (int c = 0; c < k; ++c) {
      const auto i = static_cast<size_t>(c);
      fmt::print(out, "  {:>5}  {:<12} {:>7} {:>7}\n", c, info->class_names[i], train[i], test[i]);
      train_total += train[i];
      test_total += test[i];
    }
    fmt::print(out, "  {:>5}  {:<12} {:>7} {:>7}\n", "all", "", train_total, test_total);
  }
}

}  // namespace netprobe::cli
