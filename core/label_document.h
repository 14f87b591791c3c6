#pragma once
// Labelling review document (issue 5): a JSONL file of pairs being relabelled, kept byte for byte.

#include "core/dataset.h"
#include "core/error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ranker {

/// Where one top-level value of a JSON object line lies, in bytes from the start of the line.
struct JsonSpan
{
    size_t begin = 0;
    size_t end = 0; ///< one past the value's last byte
    bool found = false;
};

/// The spans of `label` and `reason_tags` in one line, and where the object closes.
struct PairLineSpans
{
    JsonSpan label;
    JsonSpan reasonTags;
    JsonSpan itemA;
    JsonSpan itemB;
    size_t closingBrace = 0; ///< offset of the top-level '}'
    bool valid = false;
};

/// Scans a pair line for its top-level fields without building a DOM. `valid` is false when the
/// line is not a JSON object.
PairLineSpans scanPairLine(std::string_view line);

/**
 * Rewrites `line` (without its line terminator) with `label` and `tags`: only the bytes of the
 * label value and of the reason_tags array change; every other byte, unknown fields and key order
 * included, stays as it was. A missing reason_tags key is added after the label when `tags` is
 * not empty.
 * @throw Error when the line has no top-level label.
 */
std::string patchPairLine(std::string_view line, int label, const std::vector<std::string> &tags);

/// One finding of LabelDocument::checkConsistency.
struct ConsistencyIssue
{
    enum class Kind { Contradiction, Cycle, ReusedId };
    Kind kind = Kind::Contradiction;
    std::string description;
    std::vector<int32_t> rows; ///< the pairs involved (a cycle's pairs in cycle order)
};

struct ConsistencyReport
{
    std::vector<ConsistencyIssue> issues;
    int64_t contradictions = 0;
    int64_t cycles = 0;
    int64_t reusedIds = 0;
    bool cyclesCapped = false; ///< more cycles exist than are listed
};

/// Saving would overwrite (or could not read) a file that another program changed on disk.
class FileChangedOnDisk : public Error
{
public:
    FileChangedOnDisk(const std::string &message, bool canOverwrite) : Error(message), canOverwrite(canOverwrite) {}
    /// True when the document's own version is intact, so save(true) can still write it.
    bool canOverwrite;
};

/// One pair's unsaved edits, by its items' ids, to carry over to another version of the file.
struct PairEdit
{
    std::string idA, idB;
    /// Which of the file's pairs of these two ids, in file order; -1 for a pair added here.
    int occurrence = 0;
    int label = 0;
    std::vector<std::string> tags;
    bool reviewed = false;
    bool removed = false;
};

/**
 * A pairs file under review. The document keeps the file's line offsets, the parsed items (no
 * JSON DOM) and each pair's label and tags; line bytes are read back from the file on demand.
 * Lines that were not edited are written back byte for byte; an edited line changes only in its
 * label and reason_tags values.
 *
 * Every edit is appended to a journal next to the file (`PATH.review-journal`) before it returns,
 * so that a crash loses nothing: the next open finds the journal and can replay it. A save
 * removes the journal. Rows (pairs) keep their index for the document's lifetime; removed rows
 * stay as tombstones until the next save.
 */
class LabelDocument
{
public:
    struct Row
    {
        int32_t a = 0; ///< item index in dataset().items
        int32_t b = 0;
        int label = 0;
        std::vector<std::string> tags;
        double similarity = 0;
        bool hasSimilarity = false;
        bool removed = false;
        bool reviewed = false; ///< labelled in this session (even with the same label)
        bool added = false;    ///< added in this session
        int originalLabel = 0; ///< at open
        std::vector<std::string> originalTags;
        int64_t line = -1; ///< 0-based line of the file on disk; -1: text held in ownText
        int diskLabel = 0; ///< label and tags as written in the line's base text
        std::vector<std::string> diskTags;
        std::string ownText; ///< base text of a row that is not in the file
        bool changedInSession() const { return added || removed || label != originalLabel || tags != originalTags; }
    };

    LabelDocument();
    ~LabelDocument();
    LabelDocument(const LabelDocument &) = delete;
    LabelDocument &operator=(const LabelDocument &) = delete;

    /**
     * Opens `path`. A journal left by an earlier session is not applied: see pendingJournalEdits().
     * @throw Error when the file cannot be read; Cancelled when `progress` returned false.
     */
    void open(const std::string &path, int embeddingDim, std::function<bool(uint64_t, uint64_t)> progress = {});
    /**
     * Opens the file of a dataset already read with LoadOptions::keepLineSpans, without reading
     * it again: the document shares `loaded`.
     * @throw Error when the file changed since it was read (or cannot be opened), or when
     *        `loaded` has no line spans.
     */
    void open(std::shared_ptr<const Dataset> loaded);

    const std::string &path() const { return m_path; }
    static std::string journalPathFor(const std::string &path);
    std::string journalPath() const { return journalPathFor(m_path); }
    std::string backupPath() const { return m_path + ".bak"; }

    /// Items, metric names, skipped lines and warnings as loaded. Its `pairs` are the file as opened.
    const Dataset &dataset() const { return *m_dataset; }
    std::shared_ptr<const Dataset> sharedDataset() const { return m_dataset; }
    /**
     * True when dataset() is what reading the file would give. A save updates the dataset in
     * memory (labels, tags, pairs added and removed, line numbers); it is not exact only when a
     * removed pair was where an item first appeared (reading the file orders items by first
     * appearance): read the file again then.
     */
    bool datasetMatchesFile() const { return m_datasetMatchesFile; }

    int32_t rowCount() const { return int32_t(m_rows.size()); }
    const Row &row(int32_t row) const { return m_rows[size_t(row)]; }
    /// Rows that are not removed.
    int32_t liveRowCount() const;
    int32_t reviewedCount() const;
    /// Every reason tag in use, sorted.
    std::vector<std::string> knownTags() const;
    /// The row's line as it would be saved now, without line terminator.
    std::string lineText(int32_t row) const;

    // Edits. Each is journalled; none throws for a valid row.
    void setLabel(int32_t row, int label);
    void setTags(int32_t row, const std::vector<std::string> &tags);
    void setReviewed(int32_t row, bool reviewed);
    void setRemoved(int32_t row, bool removed);
    /**
     * Adds a pair of two items already in the file, built from their JSON as first seen.
     * @return the new row.
     * @throw Error when the items are the same or an index is out of range.
     */
    int32_t addPair(int32_t itemA, int32_t itemB, int label, const std::vector<std::string> &tags);

    /// True when the file on disk differs from the document.
    bool hasUnsavedChanges() const;

    /// What another program did to the file since the document read (or last saved) it.
    enum class DiskState {
        Unchanged,
        Replaced,        ///< another file now has its name; the document's version is intact
        Removed,         ///< gone from disk; the document's version is intact
        ModifiedInPlace, ///< rewritten in place: the document can no longer read its own version
    };
    DiskState diskState() const;

    /// The edits not yet saved (and the pairs reviewed), by item ids: what reopening would lose.
    std::vector<PairEdit> unsavedEdits() const;
    /**
     * Applies edits made to another version of this file (see unsavedEdits()): each finds its
     * pair by the items' ids and occurrence; an added pair is added again when both items are
     * in this version. Each applied edit is journalled like any other.
     * @return the edits that found no pair here.
     */
    std::vector<PairEdit> applyEdits(const std::vector<PairEdit> &edits);

    /**
     * Writes the document to its file through a temporary file renamed into place, the previous
     * version kept as `PATH.bak`. Removes the journal. Removed rows are dropped for good
     * (rowsCompacted() then says so: row indices changed).
     * @param overwriteChangedFile write even when another program replaced the file since it
     *        was read (its version is then the one kept as `PATH.bak`).
     * @throw FileChangedOnDisk when the file changed on disk (see diskState()) and
     *        `overwriteChangedFile` is false, or when it was modified in place;
     *        Error naming the file and the reason (disk full, …). The file is then untouched.
     */
    void save(bool overwriteChangedFile = false);
    /// Saves to `path` and makes it the document's file. @throw Error as save().
    void saveAs(const std::string &path);
    /// Writes just `rows` (their current text) to `path`, atomically. @throw Error.
    void exportRows(const std::string &path, const std::vector<int32_t> &rows) const;
    /// True when the last save compacted removed rows away (row indices changed).
    bool rowsCompacted() const { return m_rowsCompacted; }

    /// Why the last edit could not be journalled (empty when all is well): the edit itself is
    /// kept, but would be lost to a crash before the next save.
    const std::string &journalProblem() const { return m_journalProblem; }

    /// Edits found in a journal from an earlier session that matches this file (0: none).
    int64_t pendingJournalEdits() const { return int64_t(m_pendingJournal.size()); }
    /// Applies the pending journal. @return the number of edits applied.
    int64_t replayJournal();
    /// Forgets the pending journal and deletes it.
    void discardJournal();

    /// Contradicting duplicates, preference cycles and reused ids over the current labels.
    ConsistencyReport checkConsistency(size_t maxCycles = 200) const;

    /// Memory the document holds besides the dataset (bytes, approximate).
    size_t approximateBytes() const;

private:
    void takeOver(std::shared_ptr<const Dataset> loaded, std::vector<LineSpan> lines);
    /// After a save: the dataset of the file written (`newLineOf`: old line → new, -1 removed).
    void rebuildDataset(const std::vector<int64_t> &newLineOf, uint64_t bytes);
    std::string readLine(int64_t line) const;
    std::string baseText(const Row &row) const;
    std::string itemJson(int32_t item) const;
    void journal(const std::string &record);
    void applyRecord(const std::string &record);
    void writeTo(const std::string &target, bool adopt);
    /// @throw FileChangedOnDisk when the document's own version can no longer be read.
    void requireReadableBase() const;

    std::string m_path;
    std::shared_ptr<const Dataset> m_dataset;
    std::vector<LineSpan> m_lines;
    std::vector<int32_t> m_lineToRow; ///< -1 for blank and skipped lines
    std::vector<Row> m_rows;
    std::string m_fileSha256;
    std::string m_eol = "\n";
    int m_fd = -1;       ///< the file, open for reading lines on demand
    FileIdentity m_file; ///< the file as read or last saved
    bool m_rowsCompacted = false;
    bool m_datasetMatchesFile = true;
    bool m_replaying = false;
    int m_journalFd = -1;
    std::vector<std::string> m_pendingJournal;
    std::string m_journalProblem;
};

} // namespace ranker
