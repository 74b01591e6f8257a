#include "core/tensor_digest.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack: no allocation per digest
#include <xxhash.h>

namespace netprobe::core {

TensorDigest digest_of(const NamedTensors& tensors) {
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_128bits_reset(&state);
  const auto add = [&](const void* data, size_t bytes) { XXH3_128bits_update(&state, data, bytes); };
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
  const XXH128_hash_t h = XXH3_128bits_digest(&state);
  return {h.low64, h.high64};
}

}  // namespace netprobe::core
