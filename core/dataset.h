#pragma once

#include "core/atomic_file.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ranker {

/// One problem found in a dataset file. `line` is 1-based; 0 means the file as a whole.
struct Diagnostic
{
    int64_t line = 0;
    std::string reason;
};

/// One unique item (deduplicated by id). Its embedding lives in Dataset::embeddings.
struct Item
{
    std::string id;
    std::string itemType;
    std::string referenceId;
    std::string createdAt;
    std::string embeddingId;
    bool hasEmbedding = false; ///< false: the feature row holds zeros for the embedding part
    /// metric name index (into Dataset::metricNames) → value, sorted by index.
    std::vector<std::pair<int, double>> metrics;
    int64_t firstLine = 0; ///< the line where the item first appeared
};

enum class Label : int8_t { BPreferred = -1, Tie = 0, APreferred = 1 };

struct Pair
{
    int32_t a = 0; ///< index into Dataset::items
    int32_t b = 0;
    int8_t label = 0;            ///< 1, 0 or -1
    std::vector<int> reasonTags; ///< indices into Dataset::reasonTagNames
    double similarity = 0;
    bool hasSimilarity = false;
    int64_t line = 0; ///< 1-based line number in the file
};

struct LoadOptions
{
    int embeddingDim = 1536;
    /// Fail on the first bad line instead of skipping it.
    bool strict = false;
    /// JSONL of {"id": ..., "embedding": [...]} used for items that carry only an embedding_id.
    std::string embeddingsPath;
    /// Lines longer than this are reported and skipped without being held in memory (at least 1).
    uint64_t maxLineBytes = 256ull << 20;
    /// Called every few MiB read (inside a long line too) with bytes read so far and the file
    /// size; return false to cancel.
    std::function<bool(uint64_t done, uint64_t total)> progress;
    /// Also record where every line lies (Dataset::lineSpans): an editor then needs no second
    /// pass over the file to find its lines.
    bool keepLineSpans = false;
};

/// Where one line of a dataset's file lies.
struct LineSpan
{
    uint64_t offset = 0;
    uint32_t length = 0;    ///< without the terminator (a "\r" before the "\n" is counted here)
    uint8_t terminator = 0; ///< 1 when a "\n" follows, 0 for a last line without one
};

/// A loaded JSONL file of pairwise preferences.
struct Dataset
{
    std::string path;
    std::string sha256;
    FileIdentity file; ///< the file as it was read (see checkFileOnDisk())
    uint64_t fileBytes = 0;
    int64_t lines = 0; ///< all lines, blank ones included
    int64_t blankLines = 0;
    int embeddingDim = 0; ///< D every embedding was checked against

    std::vector<Item> items;                 ///< unique items, in order of first appearance
    std::vector<float> embeddings;           ///< items.size() × embeddingDim, zeros where an item has none
    std::vector<Pair> pairs;                 ///< valid pairs, in file order
    std::vector<std::string> metricNames;    ///< union of metric names, sorted
    std::vector<std::string> reasonTagNames; ///< every reason tag, sorted

    std::vector<Diagnostic> skipped;  ///< bad lines: not data
    std::vector<Diagnostic> warnings; ///< kept, but worth a look (an id reused with other content, …)
    /// Every line's place in the file, blank and bad ones included, when LoadOptions::keepLineSpans.
    std::vector<LineSpan> lineSpans;

    int64_t itemsWithoutEmbedding = 0;
    int64_t itemsResolvedFromEmbeddingsFile = 0;

    int64_t rows() const { return lines - blankLines; }
    int64_t labelCount(int label) const;
    /// Number of items per item type ("" for items without one), sorted by type.
    std::map<std::string, int64_t> itemTypeCounts() const;
    /// Number of skipped lines per reason kind (the part of the reason before ':').
    std::map<std::string, int64_t> skippedByKind() const;
    /// Share of unique items that carry each metric, by metric name.
    std::vector<double> metricCoverage() const;
};

/// What became of a dataset's file since it was read.
enum class FileOnDisk { Same, Changed, Removed };
FileOnDisk checkFileOnDisk(const Dataset &ds);

/**
 * Reads a JSONL dataset.
 * Bad lines are skipped and listed in Dataset::skipped with their line number and reason, unless
 * `options.strict` is set. Only regular files are read (a FIFO, a device or a folder is refused
 * before a byte is read; a symbolic link is followed and its target checked).
 * @throw Error when the file cannot be read, is not a regular file, is UTF-16, or, in strict
 *        mode, on its first bad line ("FILE:LINE: reason").
 * @throw Cancelled when options.progress returned false.
 */
Dataset loadDataset(const std::string &path, const LoadOptions &options = {});

/**
 * Reads a JSONL file of items to score: each line is an item object ({"id", "embedding",
 * "metrics", …}) or a pair, whose two items are taken. Dataset::pairs stays empty.
 * @throw Error as loadDataset does.
 */
Dataset loadItems(const std::string &path, const LoadOptions &options = {});

/// The reason for a single JSONL line, or an empty string if it is a valid pair. Used by the
/// fuzzers and by editors that check one line at a time.
std::string validateLine(const std::string &line, int embeddingDim);

} // namespace ranker
