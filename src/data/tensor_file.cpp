#include "data/tensor_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/serialize.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/tensor_bounds.h"
#include "core/zip_check.h"

namespace netprobe::data {
namespace {

using core::Error;

std::string shape_of(const torch::Tensor& t) { return fmt::format("[{}]", fmt::join(t.sizes(), ", ")); }

torch::Tensor tensor_entry(const c10::impl::GenericDict& dict, const std::string& key, const std::string& source) {
  std::vector<std::string> keys;
  for (const auto& entry : dict) {
    if (!entry.key().isString()) continue;
    const std::string name = entry.key().toStringRef();
    keys.push_back(name);
    if (name != key) continue;
    if (!entry.value().isTensor()) {
      throw Error(fmt::format("{}: '{}' is a {}, expected a tensor", source, key, entry.value().tagKind()));
    }
    core::check_within_storage(entry.value().toTensor(), fmt::format("{}: '{}'", source, key));
    return entry.value().toTensor();
  }
  throw Error(fmt::format("{}: no tensor '{}' (keys: {}); save a dict {{\"x\": inputs, \"y\": labels}}", source, key,
                          keys.empty() ? std::string("none") : fmt::format("{}", fmt::join(keys, ", "))));
}

}  // namespace

LabeledTensors check_labeled_tensors(torch::Tensor x, torch::Tensor y, const std::string& source) {
  if (x.dim() < 1 || x.size(0) == 0)
    throw Error(fmt::format("{}: x holds no examples (shape {})", source, shape_of(x)));
  if (y.dim() != 1) throw Error(fmt::format("{}: y must be a vector of labels, got shape {}", source, shape_of(y)));
  if (x.size(0) != y.size(0)) {
    throw Error(fmt::format("{}: x has {} examples, y has {}", source, x.size(0), y.size(0)));
  }
  if (x.is_complex() || x.scalar_type() == torch::kBool) {
    throw Error(fmt::format("{}: x must hold real numbers, got {}", source, c10::toString(x.scalar_type())));
  }
  if (y.is_floating_point()) {
    if (!y.eq(y.round()).all().item<bool>()) {
      throw Error(fmt::format("{}: y must hold integer class labels, got non-integer {} values", source,
                              c10::toString(y.scalar_type())));
    }
  } else if (y.is_complex() || y.scalar_type() == torch::kBool) {
    throw Error(fmt::format("{}: y must hold integer class labels, got {}", source, c10::toString(y.scalar_type())));
  }
  torch::Tensor labels = y.to(torch::kLong).contiguous();
  if (labels.lt(0).any().item<bool>()) {
    throw Error(fmt::format("{}: y holds a negative label ({})", source, labels.min().item<int64_t>()));
  }
  torch::Tensor inputs = x.to(torch::kFloat32).contiguous();
  if (!torch::isfinite(inputs).all().item<bool>())
    throw Error(fmt::format("{}: x holds NaN or infinite values", source));
  return {inputs, labels};
}

LabeledTensors load_tensor_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  const std::string bytes = core::read_file(path);  // names the file when missing or unreadable
  core::check_zip_crcs(path);
  torch::IValue value;
  try {
    value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: not a file written by torch.save ({})", source, core::first_line(e.what())));
  }
  if (!value.isGenericDict()) {
    throw Error(fmt::format("{}: expected a dict {{\"x\": inputs, \"y\": labels}}, got a {}", source, value.tagKind()));
  }
  const auto dict = value.toGenericDict();
  torch::Tensor x = tensor_entry(dict, "x", source), y = tensor_entry(dict, "y", source);
  return check_labeled_tensors(x, y, source);
}

}  // namespace netprobe::data
