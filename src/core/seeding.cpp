#include "core/seeding.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/content_hash.h"

namespace netprobe::core {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t derive_seed(uint64_t base, std::initializer_list<uint64_t> tags) {
  // Mix the running state before xoring in the tag: s(s(h) ^ t) is not symmetric in (h, t),
  // unlike s(h ^ s(t)), so (base 0, tag 1) and (base 1, tag 0) give different seeds.
  uint64_t h = splitmix64(base);
  for (uint64_t t : tags) h = splitmix64(splitmix64(h) ^ t);
  return h;
}

uint64_t tag_of(std::string_view name) {
  ContentHash hash;
  hash.update(name);
  return hash.fnv1a();
}

at::Generator make_generator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

}  // namespace netprobe::core
