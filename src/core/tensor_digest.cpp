#include "core/tensor_digest.h"

#include <memory>

#include <xxhash.h>

namespace netprobe::core {

TensorDigest digest_of(const NamedTensors& tensors) {
  const std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) throw std::bad_alloc();
  const auto add = [&](const void* data, size_t bytes) { XXH3_128bits_update(state.get(), data, bytes); };
  for (const auto& [name, t] : tensors) {
    // Lengths before contents, so that no two different sets hash the same bytes.
    const uint64_t name_length = name.size();
    add(&name_length, sizeof name_length);
    add(name.data(), name.size());
    const auto dtype = static_cast<int64_t>(t.scalar_type());
    const int64_t dims = t.dim();
    add(&dtype, sizeof dtype);
    add(&dims, sizeof dims);
    add(t.sizes().data(), sizeof(int64_t) * static_cast<size_t>(dims));
    const at::Tensor dense = t.contiguous();
    add(dense.data_ptr(), dense.numel() * dense.element_size());
  }
  const XXH128_hash_t h = XXH3_128bits_digest(state.get());
  return {h.low64, h.high64};
}

}  // namespace netprobe::core
