#include "core/run_history.h"

#include "core/atomic_file.h"
#include "core/base/parallel.h"
#include "core/error.h"
#include "core/metadata.h"
#include "core/runs/run_folder.h"
#include "core/trainer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <thread>

namespace fs = std::filesystem;

namespace ranker {

namespace {

std::string trimmed(const std::string &text)
{
    const char *space = " \t\r\n";
    size_t first = text.find_first_not_of(space);
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

double numberAt(const nlohmann::json &object, const char *key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<double>() : kNaN;
}

int intAt(const nlohmann::json &object, const char *key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_number())
        return -1;
    const double value = it->get<double>();
    return value >= 0 && value <= 2e9 ? int(value) : -1; // foreign files: no overflow
}

std::string stringAt(const nlohmann::json &object, const char *key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<double> numbers(const nlohmann::json &object, const char *key)
{
    std::vector<double> out;
    auto it = object.find(key);
    if (it == object.end() || !it->is_array())
        return out;
    out.reserve(it->size());
    for (const nlohmann::json &v : *it)
        out.push_back(v.is_number() ? v.get<double>() : kNaN);
    return out;
}

/// A short, readable number for tables: 0.001, 0.0779487, 256.
std::string shortNumber(double value)
{
    if (!std::isfinite(value))
        return {};
    char text[32];
    // Whole numbers (seeds, dimensions, pair counts) in full; others to 6 significant digits.
    if (value == std::floor(value) && std::fabs(value) < 1e18)
        std::snprintf(text, sizeof text, "%.0f", value);
    else
        std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string fileStem(const std::string &path)
{
    return fs::path(path).filename().string();
}

} // namespace

// ---- Notes ------------------------------------------------------------------------------------

bool RunNotes::operator==(const RunNotes &other) const
{
    return displayName == other.displayName && notes == other.notes && tags == other.tags;
}

RunNotes readRunNotes(const std::string &folder)
{
    RunNotes notes;
    const std::string path = (fs::path(folder) / kRunNotesFileName).string();
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
        return notes; // none yet
    const nlohmann::json j = readRunJson(path, kMaxRunNotesBytes);
    if (!j.is_object())
        throw Error(path + ": not a JSON object");
    notes.displayName = stringAt(j, "display_name");
    notes.notes = stringAt(j, "notes");
    auto tags = j.find("tags");
    if (tags != j.end() && tags->is_array())
        for (const nlohmann::json &t : *tags)
            if (t.is_string())
                notes.tags.push_back(t.get<std::string>());
    return notes;
}

void writeRunNotes(const std::string &folder, const RunNotes &notes)
{
    nlohmann::json j = {{"display_name", notes.displayName},
                        {"notes", notes.notes},
                        {"tags", notes.tags},
                        {"updated_at", isoTimestampUtc()}};
    writeFileAtomically((fs::path(folder) / kRunNotesFileName).string(), j.dump(2) + "\n");
}

std::vector<std::string> parseTags(const std::string &text)
{
    std::vector<std::string> tags;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        std::string tag = trimmed(text.substr(start, comma - start));
        if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end())
            tags.push_back(tag);
        start = comma + 1;
    }
    return tags;
}

std::string joinTags(const std::vector<std::string> &tags)
{
    std::string out;
    for (const std::string &t : tags)
        out += (out.empty() ? "" : ", ") + t;
    return out;
}

// ---- Summaries --------------------------------------------------------------------------------

EpochSeries epochSeries(const nlohmann::json &m)
{
    EpochSeries s;
    if (!m.is_object())
        return s;
    auto per = m.find("per_epoch");
    if (per != m.end() && per->is_object()) {
        s.epoch = numbers(*per, "epoch");
        s.trainLoss = numbers(*per, "train_loss");
        s.valLoss = numbers(*per, "val_loss");
        s.trainAccuracy = numbers(*per, "train_accuracy");
        s.valAccuracy = numbers(*per, "val_accuracy");
        s.valTieAgreement = numbers(*per, "val_tie_agreement");
        s.seconds = numbers(*per, "seconds");
        s.pairsPerSecond = numbers(*per, "pairs_per_second");
    }
    if (s.trainLoss.empty()) {
        // Older or foreign metadata: the seed's loss_history (and val_loss_history) only.
        s.trainLoss = numbers(m, "loss_history");
        s.valLoss = numbers(m, "val_loss_history");
        s.epoch.clear();
    }
    size_t n = std::max(s.trainLoss.size(), s.epoch.size());
    if (s.epoch.size() != n) {
        // Number the epochs so a resumed run's curve continues where its checkpoint stopped.
        double first = numberAt(m, "first_epoch");
        if (!std::isfinite(first) || s.trainLoss.size() > s.epoch.size())
            first = 1;
        s.epoch.resize(n);
        for (size_t i = 0; i < n; ++i)
            s.epoch[i] = first + double(i);
    }
    for (std::vector<double> *v : {&s.trainLoss, &s.valLoss, &s.trainAccuracy, &s.valAccuracy, &s.valTieAgreement,
                                   &s.seconds, &s.pairsPerSecond})
        v->resize(n, kNaN);
    return s;
}

std::string RunSummary::displayName() const
{
    return notes.displayName.empty() ? modelName : notes.displayName;
}

std::string RunSummary::shortHash() const
{
    return datasetSha256.substr(0, 8);
}

const std::vector<ComparisonField> &comparisonFields()
{
    static const std::vector<ComparisonField> fields = {
        {"dataset", "Dataset", true, false},
        {"dataset_sha256", "Dataset hash", true, false},
        {"pairs", "Pairs", true, true},
        {"embedding_dim", "Embedding dim", true, true},
        {"input_dim", "Input dim", true, true},
        {"hidden_dim", "Hidden dim", true, true},
        {"learning_rate", "Learning rate", true, true},
        {"batch_size", "Batch size", true, true},
        {"epochs", "Epochs asked", true, true},
        {"margin", "Margin", true, true},
        {"dropout", "Dropout", true, true},
        {"weight_decay", "Weight decay", true, true},
        {"patience", "Patience", true, true},
        {"val_split", "Validation split", true, true},
        {"val_by", "Validated on", true, false},
        {"cv_folds", "CV folds", true, true},
        {"refit", "Refit", true, false},
        {"seed", "Seed", true, true},
        {"tie_policy", "Tie policy", true, false},
        {"keep", "Keep", true, false},
        {"device", "Device", true, false},
        {"threads", "Threads", true, true},
        {"epochs_completed", "Epochs done", false, true},
        {"ended", "Ended", false, false},
        {"best_epoch", "Best epoch", false, true},
        {"kept_epoch", "Kept epoch", false, true},
        {"final_train_loss", "Final train loss", false, true},
        {"kept_val_loss", "Kept val loss", false, true},
        {"kept_train_accuracy", "Kept train accuracy", false, true},
        {"selection_accuracy", "Validation accuracy (unseen items)", false, true},
        {"test_accuracy", "Test accuracy", false, true},
        {"verdict", "Verdict", false, false},
        {"training_time", "Training time (s)", false, true},
    };
    return fields;
}

RunSummary summarizeRun(const RunInfo &run)
{
    RunSummary s;
    s.folder = run.folder;
    s.metadataPath = run.metadataPath;
    s.pthPath = run.pthPath;
    s.onnxPath = run.onnxPath;
    s.modelName = run.name;
    s.broken = run.broken;
    s.problem = run.problem;
    try {
        s.notes = readRunNotes(run.folder);
    } catch (const std::exception &e) {
        s.notesProblem = e.what();
    }
    const auto &fields = comparisonFields();
    s.fieldText.assign(fields.size(), std::string());
    s.fieldNumber.assign(fields.size(), kNaN);
    if (run.broken || !run.metadata.is_object())
        return s;
    const nlohmann::json &m = run.metadata;
    try {
        s.createdAt = stringAt(m, "created_at");
        const nlohmann::json empty = nlohmann::json::object();
        auto dsIt = m.find("dataset");
        const nlohmann::json &ds = dsIt != m.end() && dsIt->is_object() ? *dsIt : empty;
        s.datasetPath = stringAt(ds, "path");
        s.datasetFile = stringAt(ds, "file_name");
        if (s.datasetFile.empty() && !s.datasetPath.empty())
            s.datasetFile = fileStem(s.datasetPath);
        s.datasetSha256 = stringAt(ds, "sha256");
        double pairs = numberAt(ds, "valid_pairs");
        if (!std::isfinite(pairs))
            pairs = numberAt(m, "dataset_size");
        s.pairs = std::isfinite(pairs) && pairs >= 0 && pairs < 9e18 ? int64_t(pairs) : -1;
        s.epochsAsked = intAt(m, "epochs");
        s.epochsDone = intAt(m, "epochs_completed");
        if (s.epochsDone < 0 && m.contains("loss_history") && m["loss_history"].is_array())
            s.epochsDone = int(m["loss_history"].size());
        s.learningRate = numberAt(m, "learning_rate");
        s.margin = numberAt(m, "margin");
        s.dropout = numberAt(m, "dropout");
        s.valSplit = numberAt(m, "val_split");
        s.hiddenDim = intAt(m, "hidden_dim");
        s.batchSize = intAt(m, "batch_size");
        s.embeddingDim = intAt(m, "embedding_dim");
        s.finalTrainLoss = numberAt(m, "final_train_loss");
        s.series = epochSeries(m);
        if (!std::isfinite(s.finalTrainLoss) && !s.series.trainLoss.empty())
            s.finalTrainLoss = s.series.trainLoss.back();
        s.bestValAccuracy = numberAt(m, "best_val_accuracy");
        if (!std::isfinite(s.bestValAccuracy))
            for (double v : s.series.valAccuracy)
                if (std::isfinite(v) && !(v <= s.bestValAccuracy))
                    s.bestValAccuracy = v;
        s.trainingTime = numberAt(m, "training_time");
        s.device = stringAt(m, "device");
        s.ended = stringAt(m, "ended");
        s.endMessage = stringAt(m, "end_message");
        s.quality = headlineQuality(m);
        s.selection = selectionQuality(m);
        s.verdict = judgeRun(m);
        if (m.contains("test") && m["test"].is_object() && m["test"].contains("evaluation") &&
            m["test"]["evaluation"].is_object() && m["test"]["evaluation"].contains("overall") &&
            m["test"]["evaluation"]["overall"].is_object())
            s.testAccuracy = numberAt(m["test"]["evaluation"]["overall"], "accuracy");
        s.cvFolds = std::max(0, intAt(m, "cv_folds"));
        s.crossAccuracy = numberAt(m, "kept_cross_accuracy");
        // Lineage: a resumed run plans its parent's epochs plus its own ("30 / 30", not "30 / 10").
        const int planned = intAt(m, "epochs_planned");
        if (planned > 0)
            s.epochsAsked = planned;
        const double first = numberAt(m, "first_epoch");
        s.firstEpoch = std::isfinite(first) && first >= 1 && first < 1e9 ? int(first) : 1;
        if (auto parent = m.find("parent"); parent != m.end() && parent->is_object())
            s.parentFolder = stringAt(*parent, "run_folder");
        // A sweep's trial: its folder's parent holds sweep.json.
        const fs::path up = fs::path(s.folder).parent_path();
        if (!s.folder.empty() && isSweepFolder(up.string())) {
            s.sweepFolder = up.string();
            s.sweepName = up.filename().string();
        }

        for (size_t i = 0; i < fields.size(); ++i) {
            const std::string key = fields[i].key;
            if (key == "dataset") {
                s.fieldText[i] = s.datasetFile;
            } else if (key == "dataset_sha256") {
                s.fieldText[i] = s.shortHash();
            } else if (key == "pairs") {
                s.fieldNumber[i] = s.pairs >= 0 ? double(s.pairs) : kNaN;
            } else if (key == "best_val_accuracy") {
                s.fieldNumber[i] = s.bestValAccuracy;
            } else if (key == "final_train_loss") {
                s.fieldNumber[i] = s.finalTrainLoss;
            } else if (key == "epochs_completed") {
                s.fieldNumber[i] = s.epochsDone >= 0 ? double(s.epochsDone) : kNaN;
            } else if (key == "selection_accuracy") {
                s.fieldNumber[i] = s.selection.kind == QualityFigure::None ? kNaN : s.selection.accuracy;
            } else if (key == "test_accuracy") {
                s.fieldNumber[i] = s.testAccuracy;
            } else if (key == "verdict") {
                s.fieldText[i] = toString(s.verdict.level);
            } else if (key == "refit") {
                s.fieldText[i] = m.contains("refit") ? (m["refit"].is_object() ? "yes" : "no") : "";
            } else if (fields[i].numeric) {
                s.fieldNumber[i] = numberAt(m, fields[i].key);
            } else {
                s.fieldText[i] = stringAt(m, fields[i].key);
            }
            if (fields[i].numeric)
                s.fieldText[i] = shortNumber(s.fieldNumber[i]);
        }
    } catch (const std::exception &e) {
        // A foreign file with the right keys but odd types: show it as broken, keep listing.
        s.broken = true;
        s.problem = run.metadataPath + ": " + e.what();
    }
    return s;
}

RunSummary readRunSummary(const std::string &folder)
{
    return summarizeRun(readRunForListing(folder));
}

namespace {

void sortNewestFirst(std::vector<RunSummary> &runs)
{
    std::stable_sort(runs.begin(), runs.end(), [](const RunSummary &a, const RunSummary &b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.folder > b.folder;
    });
}

/// Same version of a file, or missing both times.
bool unchanged(const FileIdentity &a, const FileIdentity &b)
{
    return a.exists == b.exists && (!a.exists || a.sameVersion(b));
}

} // namespace

std::vector<RunSummary> listRunSummaries(const std::string &folder)
{
    std::vector<std::string> folders = listRunFolders(folder);
    std::vector<RunSummary> out(folders.size());
    forEachOnThreads(folders.size(), [&](size_t i) { out[i] = readRunSummary(folders[i]); });
    sortNewestFirst(out);
    attachLineage(out);
    return out;
}

namespace {

/// A folder's path in one spelling: absolute, no "." or "..", no trailing slash (no file system
/// access beyond the working directory, so thousands of runs cost nothing).
std::string comparableFolder(const std::string &folder)
{
    std::error_code ec;
    std::string p = fs::absolute(fs::path(folder), ec).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p;
}

} // namespace

void attachLineage(std::vector<RunSummary> &runs)
{
    std::unordered_map<std::string, size_t> byFolder;
    for (size_t i = 0; i < runs.size(); ++i)
        byFolder.emplace(comparableFolder(runs[i].folder), i);
    for (RunSummary &run : runs) {
        run.parentIndex = -1;
        run.inheritedEpochs = 0;
        if (run.parentFolder.empty())
            continue;
        auto it = byFolder.find(comparableFolder(run.parentFolder));
        if (it == byFolder.end() || &runs[it->second] == &run)
            continue;
        run.parentIndex = int(it->second);
        const RunSummary &parent = runs[it->second];
        run.parentName = parent.displayName();
        // The parent's epochs before this run's first, drawn ahead of its own (once: a listing
        // attaches again to fresh summaries, never to a series that has them already).
        const EpochSeries &p = parent.series;
        EpochSeries joined;
        auto take = [&joined](const EpochSeries &from, size_t i) {
            joined.epoch.push_back(from.epoch[i]);
            joined.trainLoss.push_back(from.trainLoss[i]);
            joined.valLoss.push_back(from.valLoss[i]);
            joined.trainAccuracy.push_back(from.trainAccuracy[i]);
            joined.valAccuracy.push_back(from.valAccuracy[i]);
            joined.valTieAgreement.push_back(from.valTieAgreement[i]);
            joined.seconds.push_back(from.seconds[i]);
            joined.pairsPerSecond.push_back(from.pairsPerSecond[i]);
        };
        for (size_t i = 0; i < p.size(); ++i)
            if (p.epoch[i] < run.firstEpoch - 0.5 && (run.series.size() == 0 || p.epoch[i] < run.series.epoch[0]))
                take(p, i);
        run.inheritedEpochs = int(joined.size());
        if (run.inheritedEpochs == 0)
            continue;
        for (size_t i = 0; i < run.series.size(); ++i)
            take(run.series, i);
        run.series = std::move(joined);
    }
}

std::vector<RunSummary> RunSummaryCache::list(const std::string &folder)
{
    struct Listed
    {
        std::string folder;
        Entry *entry;
        bool read;
    };
    std::vector<Listed> listed;
    for (const std::string &candidate : runFolderCandidates(folder)) {
        const FileIdentity folderNow = fileIdentityAt(candidate);
        auto it = m_entries.find(candidate);
        // The same entries as last time: the same metadata file, if it is the same version.
        if (it != m_entries.end() && unchanged(it->second.folder, folderNow)) {
            Entry &e = it->second;
            const bool same = unchanged(e.metadata, fileIdentityAt(e.metadataPath)) &&
                              unchanged(e.notes, fileIdentityAt((fs::path(candidate) / kRunNotesFileName).string()));
            listed.push_back({candidate, &e, !same});
            continue;
        }
        const std::string metadataPath = findMetadataFile(candidate);
        if (metadataPath.empty()) {
            if (it != m_entries.end())
                m_entries.erase(it);
            continue;
        }
        Entry &e = m_entries[candidate];
        e.folder = folderNow;
        e.metadataPath = metadataPath;
        listed.push_back({candidate, &e, true});
    }
    std::vector<size_t> toRead;
    for (size_t i = 0; i < listed.size(); ++i) {
        if (!listed[i].read)
            continue;
        toRead.push_back(i);
        // Identities before the read: a change while reading is seen at the next listing.
        Entry &e = *listed[i].entry;
        e.folder = fileIdentityAt(listed[i].folder);
        e.metadata = fileIdentityAt(e.metadataPath);
        e.notes = fileIdentityAt((fs::path(listed[i].folder) / kRunNotesFileName).string());
    }
    forEachOnThreads(toRead.size(),
                     [&](size_t i) { listed[toRead[i]].entry->summary = readRunSummary(listed[toRead[i]].folder); });
    m_lastRead = toRead.size();
    std::vector<RunSummary> out;
    out.reserve(listed.size());
    for (Listed &l : listed) {
        l.entry->listed = true;
        out.push_back(l.entry->summary);
    }
    sortNewestFirst(out);
    attachLineage(out);
    return out;
}

void RunSummaryCache::dropUnlisted()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (!it->second.listed) {
            it = m_entries.erase(it);
        } else {
            it->second.listed = false;
            ++it;
        }
    }
}

std::string comparisonValue(const RunSummary &run, const std::string &key)
{
    const auto &fields = comparisonFields();
    for (size_t i = 0; i < fields.size() && i < run.fieldText.size(); ++i)
        if (key == fields[i].key)
            return run.fieldText[i];
    return {};
}

double comparisonNumber(const RunSummary &run, const std::string &key)
{
    const auto &fields = comparisonFields();
    for (size_t i = 0; i < fields.size() && i < run.fieldNumber.size(); ++i)
        if (key == fields[i].key)
            return run.fieldNumber[i];
    return kNaN;
}

std::vector<ComparisonRow> compareRuns(const std::vector<const RunSummary *> &runs)
{
    std::vector<ComparisonRow> rows;
    const auto &fields = comparisonFields();
    for (size_t i = 0; i < fields.size(); ++i) {
        ComparisonRow row;
        row.key = fields[i].key;
        row.label = fields[i].label;
        row.hyperparameter = fields[i].hyperparameter;
        for (const RunSummary *run : runs)
            row.values.push_back(i < run->fieldText.size() ? run->fieldText[i] : std::string());
        row.differs =
            std::adjacent_find(row.values.begin(), row.values.end(), std::not_equal_to<>()) != row.values.end();
        rows.push_back(std::move(row));
    }
    return rows;
}

nlohmann::json trainConfigJson(const nlohmann::json &metadata)
{
    TrainConfig config;
    if (metadata.is_object()) {
        // Runs since format 2 keep the settings exactly as asked ("keep": auto, the refit, …).
        auto asked = metadata.find("config");
        nlohmann::json j = asked != metadata.end() && asked->is_object() ? *asked : metadata;
        // The metadata names the tie policy "tie_policy"; the configuration calls it "ties".
        if (j.contains("tie_policy") && !j.contains("ties"))
            j["ties"] = j["tie_policy"];
        try {
            fromJson(j, config);
        } catch (const std::exception &) {
            // A value of the wrong type: keep the defaults for what could not be read.
        }
    }
    return toJson(config);
}

// ---- Smoothing --------------------------------------------------------------------------------

std::vector<double> movingAverage(const std::vector<double> &values, int window)
{
    window = std::max(1, window);
    std::vector<double> out(values.size(), kNaN);
    double sum = 0;
    int count = 0;
    for (size_t i = 0; i < values.size(); ++i) {
        if (std::isfinite(values[i])) {
            sum += values[i];
            ++count;
        }
        if (i >= size_t(window) && std::isfinite(values[i - size_t(window)])) {
            sum -= values[i - size_t(window)];
            --count;
        }
        if (std::isfinite(values[i]) && count > 0)
            out[i] = sum / count;
    }
    return out;
}

std::vector<double> exponentialSmoothing(const std::vector<double> &values, double weight)
{
    weight = std::clamp(weight, 0.0, 0.999);
    std::vector<double> out(values.size(), kNaN);
    double last = 0;
    int steps = 0;
    for (size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i]))
            continue;
        last = last * weight + (1 - weight) * values[i];
        ++steps;
        const double debias = 1 - std::pow(weight, steps);
        out[i] = debias > 0 ? last / debias : values[i];
    }
    return out;
}

// ---- CSV --------------------------------------------------------------------------------------

std::string toCsv(const CsvTable &rows)
{
    std::string out;
    for (const auto &row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (i)
                out += ',';
            const std::string &f = row[i];
            if (f.find_first_of(",\"\r\n") == std::string::npos) {
                out += f;
                continue;
            }
            out += '"';
            for (char c : f) {
                if (c == '"')
                    out += '"';
                out += c;
            }
            out += '"';
        }
        out += "\r\n";
    }
    return out;
}

CsvTable parseCsv(const std::string &text)
{
    CsvTable rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, fieldStarted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"' && field.empty()) {
            quoted = true;
            fieldStarted = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            fieldStarted = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        throw Error("CSV: unterminated quoted field");
    if (fieldStarted || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string csvNumber(double value)
{
    if (!std::isfinite(value))
        return {};
    char text[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*g", precision, value);
        if (std::strtod(text, nullptr) == value)
            break;
    }
    return text;
}

CsvTable comparisonCsv(const std::vector<const RunSummary *> &runs)
{
    CsvTable table;
    std::vector<std::string> header = {"field"};
    for (const RunSummary *run : runs)
        header.push_back(run->displayName());
    table.push_back(header);
    std::vector<std::string> folders = {"folder"};
    for (const RunSummary *run : runs)
        folders.push_back(run->folder);
    table.push_back(folders);
    for (const ComparisonRow &row : compareRuns(runs)) {
        std::vector<std::string> line = {row.key};
        line.insert(line.end(), row.values.begin(), row.values.end());
        table.push_back(std::move(line));
    }
    return table;
}

CsvTable epochCsv(const RunSummary &run)
{
    CsvTable table = {{"epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "val_tie_agreement",
                       "seconds", "pairs_per_second"}};
    const EpochSeries &s = run.series;
    for (size_t i = 0; i < s.size(); ++i)
        table.push_back({csvNumber(s.epoch[i]), csvNumber(s.trainLoss[i]), csvNumber(s.valLoss[i]),
                         csvNumber(s.trainAccuracy[i]), csvNumber(s.valAccuracy[i]), csvNumber(s.valTieAgreement[i]),
                         csvNumber(s.seconds[i]), csvNumber(s.pairsPerSecond[i])});
    return table;
}

} // namespace ranker
