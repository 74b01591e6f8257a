#pragma once
/// Checks every entry of a zip archive (a TorchScript model, a torch.save'd data file) against the
/// CRC-32 its central directory records, before LibTorch reads it: LibTorch itself does not, so a
/// changed byte inside a tensor would otherwise load as a silently different value. Its pickles
/// (*.pkl) are walked too (core/pickle_check.h), so their lengths fit in their bytes.
///
///   check_zip_crcs("model.pt");   // Error: "model.pt: damaged archive: entry model/data/3 fails ..."
#include <filesystem>

namespace netprobe::core {

/// Error naming the file and the entry when an entry's bytes do not match its CRC-32, or when the
/// central directory points outside the file (truncated or damaged). A file that is not a zip
/// archive (no local header signature at its start) is left to its reader, which names the format.
/// Error naming the entry for a pickle that check_pickle refuses.
void check_zip_crcs(const std::filesystem::path& path);

}  // namespace netprobe::core
