#pragma once
/// Walks a pickle's opcodes without running anything, before LibTorch's unpickler reads it: every
/// length the pickle declares (strings, bytes, frames, longs) must fit in the bytes that follow,
/// every memo index must be below the pickle's size, the opcodes must find on the stack what they
/// take, and every tensor storage it names (a persistent id ('storage', type, key, location,
/// numel)) must have a record in the archive that holds numel elements. LibTorch 1.13 allocates
/// what a length or memo index says before it looks further (a damaged 4-byte length cost
/// gigabytes), and sizes a storage by the pickle's numel whatever its record holds (a short record
/// was read past its end: the tensor-file fuzzer found it).
///
///   check_pickle(bytes, "model.pt: entry model/data.pkl", record_size);
///   // Error: "model.pt: entry model/data.pkl: not a valid pickle: a string of 4294967280 bytes
///   //  runs past the end at byte 17"
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace netprobe::core {

/// The size of the archive record that holds storage `key`; nullopt when there is none.
using StorageRecordSize = std::function<std::optional<uint64_t>(const std::string& key)>;

/// core::Error starting with `where` for an unknown opcode, a length or memo index beyond the
/// pickle's bytes, an opcode that finds too little on the stack (or a dict an odd number of keys
/// and values), a pickle that ends before its
/// STOP, or (with `storage_size`) a storage whose record is missing or shorter than it claims.
void check_pickle(std::string_view bytes, const std::string& where, const StorageRecordSize& storage_size = nullptr);

}  // namespace netprobe::core
