#pragma once
/// The dataset registry: which datasets exist, their classes and files, and where they live.
///
///   auto dir = resolve_data_dir("mnist", cli_data_dir);   // --data-dir > NETPROBE_DATA > repo > Debian
///   LabeledImages train = load_split(dataset_info("mnist"), Split::kTrain, dir);
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace netprobe::data {

enum class Split { kTrain, kTest };
const char* split_name(Split split);

struct DatasetInfo {
  std::string name;                                                  ///< "mnist", "fashion-mnist"
  std::vector<std::string> class_names;                              ///< index = label
  std::string train_images, train_labels, test_images, test_labels;  ///< file names
  std::string subdir;                                                ///< folder below a data root, e.g. "mnist"
  std::string fetch_hint;                                            ///< how to get the files when they are missing
};

/// All registered datasets.
const std::vector<DatasetInfo>& dataset_registry();

/// Looks a dataset up by name; UsageError listing the known names if there is none.
const DatasetInfo& dataset_info(const std::string& name);

/// Directory holding the dataset's files. Tried in order: `cli_dir` (--data-dir), $NETPROBE_DATA,
/// the repository's data/ folder, the Debian package's folder. A root may hold the files directly
/// or in a `<subdir>/` folder. Throws Error with the fetch hint when none has the files.
std::filesystem::path resolve_data_dir(const DatasetInfo& info, const std::optional<std::filesystem::path>& cli_dir);

/// Images as uint8 [n, 28, 28] and labels as int64 [n].
struct LabeledImages {
  torch::Tensor images;
  torch::Tensor labels;
  int64_t size() const { return labels.size(0); }
};

/// Loads one split; checks types, shapes, equal image/label counts and the label range.
LabeledImages load_split(const DatasetInfo& info, Split split, const std::filesystem::path& dir);

/// Per-class counts of a split's labels (length = number of classes).
std::vector<int64_t> class_counts(const LabeledImages& split, int num_classes);

}  // namespace netprobe::data
