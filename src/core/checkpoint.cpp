#include "core/checkpoint.h"

#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "core/content_hash.h"
#include "core/errors.h"

namespace netprobe::core {
namespace {

// FNV-1a over every name and tensor (dtype, shape and bytes): recorded when a checkpoint is
// written, compared when it is read, so a changed byte anywhere in the values is an error.
std::string content_hash_of(const NamedTensors& tensors) {
  ContentHash h;
  for (const auto& [name, tensor] : tensors) {
    const torch::Tensor t = tensor.detach().contiguous().cpu();
    h.update(name);
    h.update(fmt::format("|{}|{}|", c10::toString(t.scalar_type()), fmt::join(t.sizes(), "x")));
    h.update(std::string_view(static_cast<const char*>(t.data_ptr()), t.nbytes()));
  }
  return fmt::format("{:016x}", h.fnv1a());
}

constexpr const char* kFormat = "netprobe-tensors-v2";  // v1: the same without the content hash

}  // namespace

void save_tensors(const std::filesystem::path& path, const NamedTensors& tensors) {
  c10::impl::GenericList names(c10::StringType::get());
  c10::impl::GenericList values(c10::TensorType::get());
  for (const auto& [name, tensor] : tensors) {
    names.push_back(name);
    values.push_back(tensor.detach().contiguous());
  }
  c10::impl::GenericList record(c10::AnyType::get());
  record.push_back(c10::IValue(std::string(kFormat)));
  record.push_back(names);
  record.push_back(values);
  record.push_back(c10::IValue(content_hash_of(tensors)));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(record));
  write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

NamedTensors load_tensors(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  const std::vector<char> bytes(text.begin(), text.end());
  try {
    const c10::IValue value = torch::pickle_load(bytes);
    if (!value.isList()) throw Error("not a list");
    const auto record = value.toList();
    const std::string format = record.size() > 0 && record.get(0).isString() ? record.get(0).toStringRef() : "";
    const bool v1 = format == "netprobe-tensors-v1" && record.size() == 3;
    if (!v1 && !(format == kFormat && record.size() == 4 && record.get(3).isString())) {
      throw Error("missing netprobe header");
    }
    const auto names = record.get(1).toList();
    const auto values = record.get(2).toList();
    if (names.size() != values.size()) throw Error("names and tensors differ in count");
    NamedTensors out;
    for (size_t i = 0; i < names.size(); ++i) {
      out.emplace_back(names.get(i).toStringRef(), values.get(i).toTensor());
    }
    if (!v1 && content_hash_of(out) != record.get(3).toStringRef()) {
      throw IntegrityError(
          fmt::format("{}: its tensors do not match the content hash recorded when netprobe wrote "
                      "it (the file was changed or damaged since)",
                      path.string()));
    }
    return out;
  } catch (const IntegrityError&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: not a valid netprobe checkpoint ({})", path.string(),
                            std::string(e.what()).substr(0, std::string(e.what()).find('\n'))));
  }
}

NamedTensors parameters_of(const torch::nn::Module& module) {
  NamedTensors out;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    out.emplace_back(item.key(), item.value().detach().clone());
  }
  return out;
}

void load_into(torch::nn::Module& module, const NamedTensors& tensors, const std::string& source) {
  auto params = module.named_parameters(/*recurse=*/true);
  std::vector<std::string> expected = params.keys();
  if (tensors.size() != expected.size()) {
    std::vector<std::string> got;
    for (const auto& [name, t] : tensors) got.push_back(name);
    throw Error(fmt::format("{}: architecture mismatch: checkpoint has parameters [{}], model expects [{}]", source,
                            fmt::join(got, ", "), fmt::join(expected, ", ")));
  }
  for (const auto& [name, tensor] : tensors) {
    torch::Tensor* target = params.find(name);
    if (target == nullptr) {
      throw Error(fmt::format("{}: architecture mismatch: unexpected parameter '{}'", source, name));
    }
    if (target->sizes() != tensor.sizes()) {
      throw Error(fmt::format("{}: architecture mismatch: '{}' has shape {} in the checkpoint, {} in the model", source,
                              name, fmt::join(tensor.sizes(), "x"), fmt::join(target->sizes(), "x")));
    }
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : tensors) params.find(name)->copy_(tensor);
}

}  // namespace netprobe::core
