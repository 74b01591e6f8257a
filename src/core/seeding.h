#pragma once
/// Reproducible randomness: every random stream derives from the run seed and named tags,
/// so any single draw (e.g. probe, level, draw index) can be regenerated on its own.
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include <ATen/core/Generator.h>

namespace netprobe::core {

/// A 64-bit seed mixed from a base seed and a sequence of integer tags (splitmix64 chain).
uint64_t derive_seed(uint64_t base, std::initializer_list<uint64_t> tags);

/// Stable 64-bit hash of a string tag (FNV-1a), for use as a derive_seed tag.
uint64_t tag_of(std::string_view name);

/// A CPU generator seeded with `seed`.
at::Generator make_generator(uint64_t seed);

}  // namespace netprobe::core
