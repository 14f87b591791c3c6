#pragma once
// Run history (issue 4): what the History panel shows of a run folder, the notes a person adds to
// it, comparison rows, curve smoothing and CSV. No Qt, no LibTorch.

#include "core/atomic_file.h"
#include "core/runs.h"
#include "core/training/quality.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ranker {

/// The sidecar file, in the run folder, that holds a person's notes on the run. The run's own
/// files (.pth, .onnx, metadata) are never rewritten.
constexpr const char *kRunNotesFileName = "run_notes.json";
/// A notes sidecar larger than this is not read (a person's notes are a few KB).
constexpr uint64_t kMaxRunNotesBytes = 4ull << 20;

/// What a person adds to a run: a display name (empty: the model name), notes and tags.
struct RunNotes
{
    std::string displayName;
    std::string notes;
    std::vector<std::string> tags;
    bool operator==(const RunNotes &other) const;
};

/**
 * Reads the notes of the run in `folder`. A missing sidecar gives empty notes.
 * @throw Error naming the sidecar when it exists but cannot be read or parsed.
 */
RunNotes readRunNotes(const std::string &folder);

/**
 * Writes the notes of the run in `folder` to its sidecar, atomically (writeFileAtomically).
 * @throw Error naming the sidecar on any write failure; the previous sidecar is then left as it was.
 */
void writeRunNotes(const std::string &folder, const RunNotes &notes);

/// Splits "a, b ,c" into {"a","b","c"}: trimmed, empty ones and duplicates dropped.
std::vector<std::string> parseTags(const std::string &text);
std::string joinTags(const std::vector<std::string> &tags);

/// A run's figures per epoch, from the metadata's per_epoch block (or loss_history alone for
/// metadata written by older tools). Missing values are NaN.
struct EpochSeries
{
    std::vector<double> epoch;
    std::vector<double> trainLoss, valLoss, trainAccuracy, valAccuracy, valTieAgreement, seconds, pairsPerSecond;
    size_t size() const { return epoch.size(); }
};
EpochSeries epochSeries(const nlohmann::json &metadata);

/// One row of the run table: a run folder flattened. Numbers a run lacks are NaN or -1.
struct RunSummary
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    std::string folder;
    std::string metadataPath;
    std::string pthPath, onnxPath; ///< empty when missing
    std::string modelName;         ///< model_name, or the metadata file's stem
    bool broken = false;
    std::string problem; ///< why, when broken
    RunNotes notes;
    std::string notesProblem; ///< the sidecar could not be read (the run itself is fine)

    std::string createdAt; ///< ISO 8601 UTC, as in the metadata
    std::string datasetFile, datasetPath, datasetSha256;
    int64_t pairs = -1;
    int epochsDone = -1, epochsAsked = -1;
    double learningRate = kNone, margin = kNone, dropout = kNone, valSplit = kNone;
    int hiddenDim = -1, batchSize = -1, embeddingDim = -1;
    double finalTrainLoss = kNone, bestValAccuracy = kNone, trainingTime = kNone;
    double testAccuracy = kNone; ///< on the run's test file, when it had one
    std::string device, ended, endMessage;
    QualityFigure quality;              ///< headlineQuality(): what the run is shown by
    QualityFigure selection;            ///< selectionQuality(): what runs are compared by (never the test file)
    Verdict verdict;                    ///< judgeRun()
    int cvFolds = 0;                    ///< folds of a cross-validated run (0: none)
    double crossAccuracy = kNone;       ///< the kept epoch's one-new-item accuracy (a sweep's tie-break)
    int firstEpoch = 1;                 ///< a resumed run's first epoch (its parent's epochs + 1)
    std::string parentFolder;           ///< the run it continues (metadata "parent"), empty for none
    std::string sweepFolder, sweepName; ///< the sweep it is a trial of, empty for none
    // Set by attachLineage(): the parent among the listed runs, and how many of the series' first
    // epochs are the parent's.
    int parentIndex = -1;
    std::string parentName;
    int inheritedEpochs = 0;
    EpochSeries series;
    /// comparisonFields()' values, in that order: as text ("" when missing) and as numbers (NaN).
    std::vector<std::string> fieldText;
    std::vector<double> fieldNumber;

    /// The notes' display name, else the model name.
    std::string displayName() const;
    /// The first 8 hex digits of the dataset's sha256.
    std::string shortHash() const;
};

/// Flattens a run read by readRun() (and its notes sidecar). Never throws.
RunSummary summarizeRun(const RunInfo &run);

/// readRun() + summarizeRun(), dropping the metadata DOM.
RunSummary readRunSummary(const std::string &folder);

/**
 * Every run in `folder` (the folder itself and its immediate sub-folders), as listRuns() finds
 * them, summarised; newest first. Reads the folders on a few threads.
 */
std::vector<RunSummary> listRunSummaries(const std::string &folder);

/// Links each resumed run to its parent among `runs` (parentIndex, parentName) and puts the
/// parent's epochs before the run's own in its series (inheritedEpochs says how many). Listings do it.
void attachLineage(std::vector<RunSummary> &runs);

/**
 * Summaries kept from one listing to the next: a run folder is read again only when its list of
 * files, its metadata or its notes changed on disk (stat() tells, and a new generation of a run's
 * files is a new file). The History panel lists the workspace again after every change in it;
 * reading every one of thousands of runs each time was most of the time opening the studio took.
 */
class RunSummaryCache
{
public:
    /// listRunSummaries(folder), reusing the summaries of the run folders that did not change.
    std::vector<RunSummary> list(const std::string &folder);
    /// Forgets the folders that no list() call gave since the last dropUnlisted().
    void dropUnlisted();
    size_t size() const { return m_entries.size(); }
    /// Folders the last list() call read (the rest came from the cache).
    size_t lastRead() const { return m_lastRead; }

private:
    struct Entry
    {
        FileIdentity folder, metadata, notes;
        std::string metadataPath;
        RunSummary summary;
        bool listed = false;
    };
    std::unordered_map<std::string, Entry> m_entries;
    size_t m_lastRead = 0;
};

/// The fields the comparison shows, in order: key (stable, for CSV), label (for people).
struct ComparisonField
{
    const char *key;
    const char *label;
    bool hyperparameter; ///< a setting (true) or a result (false)
    bool numeric;        ///< can be plotted against accuracy
};
const std::vector<ComparisonField> &comparisonFields();

/// The value of comparison field `key` for `run`, as text ("" when the run lacks it).
std::string comparisonValue(const RunSummary &run, const std::string &key);
/// The value of a numeric comparison field, NaN when missing or not numeric.
double comparisonNumber(const RunSummary &run, const std::string &key);

/// A comparison table: one row per field, one column per run.
struct ComparisonRow
{
    std::string key, label;
    bool hyperparameter = false;
    std::vector<std::string> values; ///< one per run
    bool differs = false;            ///< not all values equal
};
std::vector<ComparisonRow> compareRuns(const std::vector<const RunSummary *> &runs);

/// The run's TrainConfig (as metadata::toJson(TrainConfig) writes it), rebuilt from its metadata:
/// what "train again with these settings" puts in the form.
nlohmann::json trainConfigJson(const nlohmann::json &metadata);

// Smoothing of a curve. NaN points stay NaN and do not enter their neighbours' values.

/// Trailing moving average over `window` points (1: unchanged).
std::vector<double> movingAverage(const std::vector<double> &values, int window);
/// TensorBoard's exponential smoothing with weight in [0, 1) (0: unchanged), debiased so the
/// first points are not pulled towards zero.
std::vector<double> exponentialSmoothing(const std::vector<double> &values, double weight);

// CSV (RFC 4180: fields with commas, quotes or line breaks are quoted; quotes doubled).

using CsvTable = std::vector<std::vector<std::string>>;
std::string toCsv(const CsvTable &rows);
/// Parses CSV text (LF or CRLF). @throw Error on an unterminated quoted field.
CsvTable parseCsv(const std::string &text);
/// Numbers in CSV: the shortest text that reads back to the same double; "" for NaN.
std::string csvNumber(double value);

/// The comparison as CSV: "field", then one column per run (header: display names).
CsvTable comparisonCsv(const std::vector<const RunSummary *> &runs);
/// A run's per-epoch figures as CSV: epoch, train_loss, val_loss, train_accuracy, val_accuracy,
/// val_tie_agreement, seconds, pairs_per_second.
CsvTable epochCsv(const RunSummary &run);

} // namespace ranker
