#include "core/tensor_bounds.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.h"

namespace netprobe::core {

void check_within_storage(const torch::Tensor& t, const std::string& what) {
  if (!t.defined() || !t.has_storage() || t.numel() == 0) return;
  // The last element's index, in elements from the storage's start; every term is compared with
  // what is left before it is added, so nothing overflows.
  const uint64_t limit = static_cast<uint64_t>(t.storage().nbytes()) / t.element_size();
  uint64_t last = 0;
  bool beyond = t.storage_offset() < 0;
  if (!beyond) last = static_cast<uint64_t>(t.storage_offset());
  // (LibTorch replaces a negative stride by the contiguous one when it sets them.)
  for (int64_t d = 0; d < t.dim() && !beyond; ++d) {
    const auto extent = static_cast<uint64_t>(t.size(d) - 1), stride = static_cast<uint64_t>(t.stride(d));
    if (stride != 0 && extent > (limit - std::min(last, limit)) / stride) beyond = true;
    last += extent * stride;
  }
  if (beyond || last >= limit) {
    throw Error(
        fmt::format("{}: its sizes [{}] reach beyond its storage of {} bytes (a damaged or crafted "
                    "archive)",
                    what, fmt::join(t.sizes(), ", "), t.storage().nbytes()));
  }
}

}  // namespace netprobe::core
