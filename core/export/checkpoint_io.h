#pragma once
// The .pth checkpoint in torch.save's own format, written and read without LibTorch: the public
// entry points are checkpointBytes, saveCheckpoint and loadCheckpoint in core/model.h; this header
// is for what tests and the fuzzer need besides.

#include "core/model.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ranker::pth {

/// The largest epoch count a checkpoint may hold; resuming adds at most as many again, so the
/// epoch counter never comes near INT_MAX.
constexpr int kMaxEpoch = 1000000;
/// Checkpoint files above this are refused before they are read (a ranker of hidden width 4096 on
/// 1,542 features, with Adam's moments, is about 280 MB).
constexpr uint64_t kMaxFileBytes = uint64_t(2) << 30;
/// data.pkl above this is refused (ours are a few kilobytes).
constexpr uint64_t kMaxPickleBytes = uint64_t(64) << 20;
/// A metadata JSON beside a bare state_dict above this is refused.
constexpr uint64_t kMaxMetadataBytes = uint64_t(16) << 20;

/// The metadata JSON found beside a checkpoint: its path (for messages) and its text.
struct MetadataFile
{
    std::string path;
    std::string text;
};
/// Finds the metadata for a checkpoint that carries no feature layout; nullopt when there is none.
using MetadataLookup = std::function<std::optional<MetadataFile>()>;

struct ReadOptions
{
    /// Check every record read against its CRC-32 (the fuzzer turns it off to get past it).
    bool verifyCrc = true;
    /// Where a bare state_dict's feature layout comes from; empty: nowhere.
    MetadataLookup metadata;
    /// Let an exception other than Error (a bug of ours, not the file's) escape instead of turning it
    /// into a one-line Error: the fuzzer sets it, to see such bugs as crashes.
    bool rethrowInternalErrors = false;
};

/**
 * Reads a checkpoint from its bytes: the dict our writer makes (or torch::pickle_save made in
 * earlier versions), a dict with the same keys saved by Python's torch.save, or a bare state_dict
 * of the documented module (feature layout then from `options.metadata`). Every count, size,
 * offset, shape, dtype and value is checked before it is used; see README, "Hardening".
 * @param path named in every message.
 * @throw Error, one line starting with `path`, saying what is wrong and, where it helps, what to do.
 */
Checkpoint parseCheckpoint(std::string_view bytes, const std::string &path, const ReadOptions &options = {});

/// The lookup loadCheckpoint uses: NAME_metadata.json beside NAME.pth, else the only
/// *_metadata.json in that folder. @throw Error (from the lookup) for a metadata file that is not
/// a regular file or is too large, or when several candidates leave it ambiguous.
MetadataLookup metadataBeside(const std::string &pthPath);

/**
 * Reads a whole regular file of at most `maxBytes`, without blocking on a FIFO or reading a device.
 * @throw Error naming the file: missing, a folder, not a regular file, too large, unreadable.
 */
std::string readRegularFile(const std::string &path, uint64_t maxBytes);

} // namespace ranker::pth
