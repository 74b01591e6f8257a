#pragma once
/// A 128-bit content digest of a set of named tensors (names, dtypes, shapes and bytes), so that
/// two parameter sets equal entry for entry are recognised without keeping either: the sweep
/// engine evaluates each distinct probed network once (XXH3-128; a collision among a study's
/// 10^5 variants has probability ~1e-29).
///
///   if (seen.count(digest_of(variant))) ...   // the same network as one already evaluated
#include <cstdint>

#include "core/checkpoint.h"

namespace netprobe::core {

struct TensorDigest {
  uint64_t low = 0, high = 0;
  bool operator==(const TensorDigest& o) const { return low == o.low && high == o.high; }
  bool operator<(const TensorDigest& o) const { return high != o.high ? high < o.high : low < o.low; }
};

TensorDigest digest_of(const NamedTensors& tensors);

}  // namespace netprobe::core
