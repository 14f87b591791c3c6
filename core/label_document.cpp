#include "core/label_document.h"

#include "core/atomic_file.h"
#include "core/base/durable_file.h"
#include "core/error.h"
#include "core/sha256.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>
#include <unordered_map>

namespace ranker {

namespace {

constexpr size_t npos = std::string_view::npos;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t skipSpace(std::string_view s, size_t i)
{
    while (i < s.size() && isSpace(s[i]))
        ++i;
    return i;
}

/// `i` at the opening quote; returns one past the closing quote, or npos.
size_t skipString(std::string_view s, size_t i)
{
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == '"')
            return i + 1;
    }
    return npos;
}

size_t skipValue(std::string_view s, size_t i)
{
    if (i >= s.size())
        return npos;
    char c = s[i];
    if (c == '"')
        return skipString(s, i);
    if (c == '{' || c == '[') {
        int depth = 0;
        while (i < s.size()) {
            c = s[i];
            if (c == '"') {
                i = skipString(s, i);
                if (i == npos)
                    return npos;
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            ++i;
        }
        return npos;
    }
    size_t j = i;
    while (j < s.size() && !isSpace(s[j]) && s[j] != ',' && s[j] != '}' && s[j] != ']')
        ++j;
    return j == i ? npos : j;
}

/// Decodes a JSON string token (quotes included); keys and ids are short.
std::string decodeString(std::string_view token)
{
    try {
        return nlohmann::json::parse(token).get<std::string>();
    } catch (const std::exception &) {
        return std::string(token.substr(1, token.size() >= 2 ? token.size() - 2 : 0));
    }
}

/// Calls `visit(key, valueBegin, valueEnd)` for each top-level member of the object in `s`.
/// Returns the offset of the closing brace, or npos when `s` is not an object.
template <typename Visit> size_t forEachMember(std::string_view s, Visit visit)
{
    size_t i = 0;
    if (s.substr(0, 3) == "\xEF\xBB\xBF")
        i = 3;
    i = skipSpace(s, i);
    if (i >= s.size() || s[i] != '{')
        return npos;
    i = skipSpace(s, i + 1);
    if (i < s.size() && s[i] == '}')
        return i;
    for (;;) {
        if (i >= s.size() || s[i] != '"')
            return npos;
        size_t keyEnd = skipString(s, i);
        if (keyEnd == npos)
            return npos;
        std::string_view rawKey = s.substr(i, keyEnd - i);
        std::string key =
            rawKey.find('\\') == npos ? std::string(rawKey.substr(1, rawKey.size() - 2)) : decodeString(rawKey);
        i = skipSpace(s, keyEnd);
        if (i >= s.size() || s[i] != ':')
            return npos;
        i = skipSpace(s, i + 1);
        size_t valueEnd = skipValue(s, i);
        if (valueEnd == npos)
            return npos;
        visit(key, i, valueEnd);
        i = skipSpace(s, valueEnd);
        if (i < s.size() && s[i] == ',') {
            i = skipSpace(s, i + 1);
            continue;
        }
        if (i < s.size() && s[i] == '}')
            return i;
        return npos;
    }
}

std::string tagsJson(const std::vector<std::string> &tags, bool spaced)
{
    std::string out = "[";
    for (size_t i = 0; i < tags.size(); ++i) {
        if (i)
            out += spaced ? ", " : ",";
        out += nlohmann::json(tags[i]).dump();
    }
    out += "]";
    return out;
}

bool parseTags(std::string_view token, std::vector<std::string> &out)
{
    try {
        nlohmann::json j = nlohmann::json::parse(token);
        if (!j.is_array())
            return false;
        out.clear();
        for (const auto &t : j) {
            if (!t.is_string())
                return false;
            out.push_back(t.get<std::string>());
        }
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

uint64_t pairKey(int32_t a, int32_t b)
{
    return (uint64_t(uint32_t(std::min(a, b))) << 32) | uint32_t(std::max(a, b));
}

const char *labelWord(int label)
{
    return label > 0 ? "A preferred" : label < 0 ? "B preferred" : "equal";
}

} // namespace

PairLineSpans scanPairLine(std::string_view line)
{
    PairLineSpans spans;
    size_t close = forEachMember(line, [&](const std::string &key, size_t begin, size_t end) {
        JsonSpan *target = key == "label"         ? &spans.label
                           : key == "reason_tags" ? &spans.reasonTags
                           : key == "item_a"      ? &spans.itemA
                           : key == "item_b"      ? &spans.itemB
                                                  : nullptr;
        if (target && !target->found)
            *target = {begin, end, true};
    });
    if (close != npos) {
        spans.closingBrace = close;
        spans.valid = true;
    }
    return spans;
}

std::string patchPairLine(std::string_view line, int label, const std::vector<std::string> &tags)
{
    PairLineSpans spans = scanPairLine(line);
    if (!spans.valid || !spans.label.found)
        throw Error("the line has no top-level label to change");
    struct Edit
    {
        size_t begin, end;
        std::string text;
    };
    std::vector<Edit> edits;
    std::string_view labelToken = line.substr(spans.label.begin, spans.label.end - spans.label.begin);
    if (labelToken != std::to_string(label)) {
        bool same = false;
        try {
            nlohmann::json j = nlohmann::json::parse(labelToken);
            same = j.is_number() && j.get<double>() == double(label);
        } catch (const std::exception &) {
        }
        if (!same)
            edits.push_back({spans.label.begin, spans.label.end, std::to_string(label)});
    }
    if (spans.reasonTags.found) {
        std::string_view token = line.substr(spans.reasonTags.begin, spans.reasonTags.end - spans.reasonTags.begin);
        std::vector<std::string> current;
        if (!parseTags(token, current) || current != tags)
            edits.push_back({spans.reasonTags.begin, spans.reasonTags.end, tagsJson(tags, token.find(", ") != npos)});
    } else if (!tags.empty()) {
        // Follow the line's own spacing: `"label": 1, "x"` or `"label":1,"x"`.
        bool spaced =
            line.substr(spans.label.end, 2) == ", " || (spans.label.begin > 0 && line[spans.label.begin - 1] == ' ');
        std::string text = spaced ? ", \"reason_tags\": " : ",\"reason_tags\":";
        edits.push_back({spans.label.end, spans.label.end, text + tagsJson(tags, spaced)});
    }
    std::sort(edits.begin(), edits.end(), [](const Edit &x, const Edit &y) { return x.begin < y.begin; });
    std::string out;
    out.reserve(line.size() + 64);
    size_t at = 0;
    for (const Edit &e : edits) {
        out.append(line.substr(at, e.begin - at));
        out += e.text;
        at = e.end;
    }
    out.append(line.substr(at));
    return out;
}

LabelDocument::LabelDocument() = default;

LabelDocument::~LabelDocument()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_journalFd >= 0)
        ::close(m_journalFd);
}

std::string LabelDocument::journalPathFor(const std::string &path)
{
    return path + ".review-journal";
}

void LabelDocument::open(const std::string &path, int embeddingDim, std::function<bool(uint64_t, uint64_t)> progress)
{
    LoadOptions options;
    options.embeddingDim = embeddingDim;
    options.progress = std::move(progress);
    options.keepLineSpans = true; // the lines are found while parsing: the file is read once
    auto ds = std::make_shared<Dataset>(loadDataset(path, options));
    std::vector<LineSpan> lines = std::move(ds->lineSpans);
    ds->lineSpans.clear();
    ds->lineSpans.shrink_to_fit();
    takeOver(std::move(ds), std::move(lines));
}

void LabelDocument::open(std::shared_ptr<const Dataset> loaded)
{
    if (!loaded)
        throw Error("no dataset to review");
    if (int64_t(loaded->lineSpans.size()) != loaded->lines)
        throw Error(loaded->path + ": the dataset was read without its line positions; open the file instead");
    std::vector<LineSpan> lines = loaded->lineSpans;
    takeOver(std::move(loaded), std::move(lines));
}

void LabelDocument::takeOver(std::shared_ptr<const Dataset> loaded, std::vector<LineSpan> lines)
{
    const std::string path = loaded->path;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open: " + std::strerror(errno));
    std::shared_ptr<const Dataset> ds = std::move(loaded);

    if (m_fd >= 0)
        ::close(m_fd);
    if (m_journalFd >= 0)
        ::close(m_journalFd);
    m_journalFd = -1;
    m_fd = fd;
    m_path = path;
    m_dataset = ds;
    m_lines = std::move(lines);
    m_fileSha256 = ds->sha256;
    m_file = fileIdentityOf(m_fd);
    if (!m_file.sameVersion(ds->file) || int64_t(m_lines.size()) != ds->lines)
        throw Error(path + ": the file changed since it was read; open it again");
    m_datasetMatchesFile = true;
    m_rowsCompacted = false;
    m_pendingJournal.clear();
    m_eol = "\n";
    if (!m_lines.empty() && m_lines[0].terminator && m_lines[0].length > 0 && readLine(0).back() == '\r')
        m_eol = "\r\n";

    m_rows.clear();
    m_rows.reserve(ds->pairs.size());
    m_lineToRow.assign(m_lines.size(), -1);
    for (const Pair &pair : ds->pairs) {
        Row row;
        row.a = pair.a;
        row.b = pair.b;
        row.label = row.originalLabel = row.diskLabel = pair.label;
        for (int tag : pair.reasonTags)
            row.tags.push_back(ds->reasonTagNames[size_t(tag)]);
        row.originalTags = row.diskTags = row.tags;
        row.similarity = pair.similarity;
        row.hasSimilarity = pair.hasSimilarity;
        row.line = pair.line - 1;
        if (row.line >= 0 && size_t(row.line) < m_lineToRow.size())
            m_lineToRow[size_t(row.line)] = int32_t(m_rows.size());
        m_rows.push_back(std::move(row));
    }

    // A journal of this very file (same SHA-256) holds edits of a session that never saved.
    std::string journal = journalPath();
    struct stat st;
    if (::stat(journal.c_str(), &st) == 0) {
        bool matches = false;
        std::vector<std::string> records;
        try {
            std::string text = readFile(journal);
            size_t at = 0;
            bool first = true;
            while (at < text.size()) {
                size_t nl = text.find('\n', at);
                if (nl == npos)
                    break; // a torn last record is dropped
                std::string record = text.substr(at, nl - at);
                at = nl + 1;
                if (first) {
                    first = false;
                    matches = nlohmann::json::parse(record).value("sha256", std::string()) == m_fileSha256;
                } else if (!record.empty()) {
                    records.push_back(std::move(record));
                }
            }
        } catch (const std::exception &) {
            matches = false;
        }
        if (matches)
            m_pendingJournal = std::move(records);
        else
            ::rename(journal.c_str(), (journal + ".stale").c_str());
    }
}

int32_t LabelDocument::liveRowCount() const
{
    return int32_t(std::count_if(m_rows.begin(), m_rows.end(), [](const Row &r) { return !r.removed; }));
}

int32_t LabelDocument::reviewedCount() const
{
    return int32_t(std::count_if(m_rows.begin(), m_rows.end(), [](const Row &r) { return !r.removed && r.reviewed; }));
}

std::vector<std::string> LabelDocument::knownTags() const
{
    std::set<std::string> tags(m_dataset->reasonTagNames.begin(), m_dataset->reasonTagNames.end());
    for (const Row &row : m_rows)
        tags.insert(row.tags.begin(), row.tags.end());
    return {tags.begin(), tags.end()};
}

std::string LabelDocument::readLine(int64_t line) const
{
    const LineSpan &ref = m_lines[size_t(line)];
    std::string out(ref.length, '\0');
    size_t done = 0;
    while (done < out.size()) {
        ssize_t got = ::pread(m_fd, &out[done], out.size() - done, off_t(ref.offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            throw Error(m_path + ": cannot read line " + std::to_string(line + 1) + ": the file changed on disk?");
        done += size_t(got);
    }
    return out;
}

std::string LabelDocument::baseText(const Row &row) const
{
    return row.line >= 0 ? readLine(row.line) : row.ownText;
}

std::string LabelDocument::lineText(int32_t index) const
{
    const Row &row = m_rows[size_t(index)];
    std::string base = baseText(row);
    if (row.label == row.diskLabel && row.tags == row.diskTags)
        return base;
    return patchPairLine(base, row.label, row.tags);
}

std::string LabelDocument::itemJson(int32_t item) const
{
    const Item &it = m_dataset->items[size_t(item)];
    auto fromLine = [&](const std::string &text) -> std::string {
        PairLineSpans spans = scanPairLine(text);
        for (const JsonSpan *span : {&spans.itemA, &spans.itemB}) {
            if (!span->found)
                continue;
            std::string_view obj = std::string_view(text).substr(span->begin, span->end - span->begin);
            std::string id;
            forEachMember(obj, [&](const std::string &key, size_t b, size_t e) {
                if (key == "id") {
                    std::string_view token = obj.substr(b, e - b);
                    id = token[0] == '"' ? decodeString(token) : std::string(token);
                }
            });
            if (id == it.id)
                return std::string(obj);
        }
        return {};
    };
    // The row the item came from, or any row that still holds it.
    for (const Row &row : m_rows) {
        if (row.a != item && row.b != item)
            continue;
        std::string json = fromLine(baseText(row));
        if (!json.empty())
            return json;
    }
    throw Error("item " + it.id + " is no longer in the document");
}

void LabelDocument::journal(const std::string &record)
{
    if (m_replaying)
        return;
    if (m_journalFd < 0) {
        std::string path = journalPath();
        m_journalFd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (m_journalFd < 0) {
            m_journalProblem = path + ": " + std::strerror(errno);
            return;
        }
        struct stat st;
        if (::fstat(m_journalFd, &st) == 0 && st.st_size == 0) {
            nlohmann::json header = {{"journal", 1}, {"file", m_path}, {"sha256", m_fileSha256}};
            std::string line = header.dump() + "\n";
            if (int error = writeAll(m_journalFd, line.data(), line.size())) {
                m_journalProblem = path + ": " + std::strerror(error);
                return;
            }
        }
    }
    std::string line = record + "\n";
    int error = writeAll(m_journalFd, line.data(), line.size());
    m_journalProblem = error ? journalPath() + ": " + std::strerror(error) : std::string();
}

namespace {
bool rowDirty(const LabelDocument::Row &r)
{
    if (r.removed)
        return r.line >= 0;
    return r.line < 0 || r.label != r.diskLabel || r.tags != r.diskTags;
}
} // namespace

bool LabelDocument::hasUnsavedChanges() const
{
    return std::any_of(m_rows.begin(), m_rows.end(), rowDirty);
}

std::vector<PairEdit> LabelDocument::unsavedEdits() const
{
    std::vector<PairEdit> edits;
    std::map<std::pair<int32_t, int32_t>, int> seen; // pairs of the file on disk, by items
    for (const Row &row : m_rows) {
        int occurrence = row.line >= 0 ? seen[{row.a, row.b}]++ : -1;
        if (!rowDirty(row) && !row.reviewed)
            continue;
        if (row.removed && row.line < 0)
            continue; // added, then removed: nothing to carry
        PairEdit edit;
        edit.idA = m_dataset->items[size_t(row.a)].id;
        edit.idB = m_dataset->items[size_t(row.b)].id;
        edit.occurrence = occurrence;
        edit.label = row.label;
        edit.tags = row.tags;
        edit.reviewed = row.reviewed;
        edit.removed = row.removed;
        edits.push_back(std::move(edit));
    }
    return edits;
}

std::vector<PairEdit> LabelDocument::applyEdits(const std::vector<PairEdit> &edits)
{
    std::unordered_map<std::string, int32_t> itemById;
    for (size_t i = 0; i < m_dataset->items.size(); ++i)
        itemById.emplace(m_dataset->items[i].id, int32_t(i));
    std::map<std::tuple<int32_t, int32_t, int>, int32_t> rowByPair;
    std::map<std::pair<int32_t, int32_t>, int> seen;
    for (int32_t r = 0; r < rowCount(); ++r)
        if (m_rows[size_t(r)].line >= 0) {
            const Row &row = m_rows[size_t(r)];
            rowByPair[{row.a, row.b, seen[{row.a, row.b}]++}] = r;
        }
    std::vector<PairEdit> unmatched;
    for (const PairEdit &edit : edits) {
        auto a = itemById.find(edit.idA), b = itemById.find(edit.idB);
        if (a == itemById.end() || b == itemById.end()) {
            unmatched.push_back(edit);
            continue;
        }
        if (edit.occurrence < 0) {
            addPair(a->second, b->second, edit.label, edit.tags);
            continue;
        }
        auto found = rowByPair.find({a->second, b->second, edit.occurrence});
        if (found == rowByPair.end()) {
            unmatched.push_back(edit);
            continue;
        }
        setLabel(found->second, edit.label);
        setTags(found->second, edit.tags);
        setReviewed(found->second, edit.reviewed);
        setRemoved(found->second, edit.removed);
    }
    return unmatched;
}

void LabelDocument::setLabel(int32_t index, int label)
{
    Row &row = m_rows[size_t(index)];
    if (row.label == label)
        return;
    journal(nlohmann::json{{"op", "label"}, {"row", index}, {"label", label}}.dump());
    row.label = label;
}

void LabelDocument::setTags(int32_t index, const std::vector<std::string> &tags)
{
    Row &row = m_rows[size_t(index)];
    if (row.tags == tags)
        return;
    journal(nlohmann::json{{"op", "tags"}, {"row", index}, {"tags", tags}}.dump());
    row.tags = tags;
}

void LabelDocument::setReviewed(int32_t index, bool reviewed)
{
    Row &row = m_rows[size_t(index)];
    if (row.reviewed == reviewed)
        return;
    journal(nlohmann::json{{"op", "reviewed"}, {"row", index}, {"value", reviewed}}.dump());
    row.reviewed = reviewed;
}

void LabelDocument::setRemoved(int32_t index, bool removed)
{
    Row &row = m_rows[size_t(index)];
    if (row.removed == removed)
        return;
    journal(nlohmann::json{{"op", "remove"}, {"row", index}, {"value", removed}}.dump());
    row.removed = removed;
}

int32_t LabelDocument::addPair(int32_t itemA, int32_t itemB, int label, const std::vector<std::string> &tags)
{
    int32_t items = int32_t(m_dataset->items.size());
    if (itemA < 0 || itemB < 0 || itemA >= items || itemB >= items)
        throw Error("no such item");
    if (itemA == itemB)
        throw Error("item A and item B are the same item");
    if (label < -1 || label > 1)
        throw Error("label must be 1, 0 or -1");
    Row row;
    row.a = itemA;
    row.b = itemB;
    row.label = row.originalLabel = row.diskLabel = label;
    row.tags = row.originalTags = row.diskTags = tags;
    row.added = true;
    row.reviewed = true;
    row.ownText = "{\"item_a\":" + itemJson(itemA) + ",\"item_b\":" + itemJson(itemB) +
                  ",\"label\":" + std::to_string(label) + ",\"reason_tags\":" + tagsJson(tags, false) + "}";
    int32_t index = int32_t(m_rows.size());
    journal(nlohmann::json{
        {"op", "add"},
        {"row", index},
        {"a", m_dataset->items[size_t(itemA)].id},
        {"b", m_dataset->items[size_t(itemB)].id},
        {"label", label},
        {"tags",
         tags}}.dump());
    m_rows.push_back(std::move(row));
    return index;
}

void LabelDocument::applyRecord(const std::string &text)
{
    nlohmann::json r = nlohmann::json::parse(text);
    std::string op = r.at("op").get<std::string>();
    int32_t index = r.at("row").get<int32_t>();
    if (op == "add") {
        auto find = [&](const std::string &id) {
            for (size_t i = 0; i < m_dataset->items.size(); ++i)
                if (m_dataset->items[i].id == id)
                    return int32_t(i);
            throw Error("journal: unknown item " + id);
        };
        if (index != rowCount())
            throw Error("journal: rows out of step");
        addPair(find(r.at("a").get<std::string>()), find(r.at("b").get<std::string>()), r.at("label").get<int>(),
                r.at("tags").get<std::vector<std::string>>());
        return;
    }
    if (index < 0 || index >= rowCount())
        throw Error("journal: no row " + std::to_string(index));
    if (op == "label")
        setLabel(index, r.at("label").get<int>());
    else if (op == "tags")
        setTags(index, r.at("tags").get<std::vector<std::string>>());
    else if (op == "reviewed")
        setReviewed(index, r.at("value").get<bool>());
    else if (op == "remove")
        setRemoved(index, r.at("value").get<bool>());
    else
        throw Error("journal: unknown edit " + op);
}

int64_t LabelDocument::replayJournal()
{
    std::vector<std::string> records = std::move(m_pendingJournal);
    m_pendingJournal.clear();
    int64_t applied = 0;
    // The records stay in the journal file, which keeps growing from where it ended.
    m_replaying = true;
    try {
        for (const std::string &record : records) {
            applyRecord(record);
            ++applied;
        }
    } catch (const std::exception &) {
        m_replaying = false;
        throw;
    }
    m_replaying = false;
    return applied;
}

void LabelDocument::discardJournal()
{
    m_pendingJournal.clear();
    if (m_journalFd >= 0)
        ::close(m_journalFd);
    m_journalFd = -1;
    ::unlink(journalPath().c_str());
}

void LabelDocument::writeTo(const std::string &target, bool adopt)
{
    const std::unique_ptr<NewFile> tmp = newTemporaryFor(target); // removed unless renamed below
    if (tmp->error())
        throw Error(target + ": cannot save: " + std::strerror(tmp->error()));

    Sha256 sha;
    std::string out;
    out.reserve(size_t(4) << 20);
    uint64_t written = 0; // bytes handed to the file so far
    int error = 0;
    auto flush = [&] {
        if (!error && !out.empty()) {
            tmp->write(out);
            error = tmp->error();
            sha.update(out.data(), out.size());
            written += out.size();
        }
        out.clear();
    };
    auto position = [&] { return written + out.size(); };
    char lastByte = '\n';
    auto emit = [&](const std::string &text) {
        if (text.empty())
            return;
        out += text;
        lastByte = text.back();
        if (out.size() >= (size_t(4) << 20))
            flush();
    };
    // Untouched runs of lines are copied straight from the file.
    auto copyRange = [&](uint64_t from, uint64_t to) {
        while (from < to && !error) {
            size_t chunk = size_t(std::min<uint64_t>(to - from, uint64_t(4) << 20));
            size_t at = out.size();
            out.resize(at + chunk);
            ssize_t got = ::pread(m_fd, &out[at], chunk, off_t(from));
            if (got <= 0) {
                out.resize(at);
                if (got < 0 && errno == EINTR)
                    continue;
                error = got < 0 ? errno : EIO;
                break;
            }
            out.resize(at + size_t(got));
            lastByte = out.back();
            from += uint64_t(got);
            if (out.size() >= (size_t(4) << 20))
                flush();
        }
    };

    std::vector<LineSpan> newLines;
    std::vector<int64_t> newRowLine(m_rows.size(), -1);
    std::vector<int64_t> newLineOf; // old line → its line in the new file; -1: removed
    if (adopt) {
        newLines.reserve(m_lines.size());
        newLineOf.assign(m_lines.size(), -1);
    }
    for (size_t l = 0; l < m_lines.size() && !error; ++l) {
        const LineSpan &ref = m_lines[l];
        int32_t rowIndex = m_lineToRow[l];
        const Row *row = rowIndex >= 0 ? &m_rows[size_t(rowIndex)] : nullptr;
        if (row && row->removed)
            continue;
        uint64_t start = position();
        if (row && (row->label != row->diskLabel || row->tags != row->diskTags)) {
            std::string text = patchPairLine(readLine(int64_t(l)), row->label, row->tags);
            emit(text);
            if (ref.terminator)
                emit("\n");
            if (adopt)
                newLines.push_back({start, uint32_t(text.size()), ref.terminator});
        } else {
            copyRange(ref.offset, ref.offset + ref.length + ref.terminator);
            if (adopt)
                newLines.push_back({start, ref.length, ref.terminator});
        }
        if (adopt)
            newLineOf[l] = int64_t(newLines.size()) - 1;
        if (row)
            newRowLine[size_t(rowIndex)] = int64_t(newLines.size()) - 1;
    }
    for (size_t r = 0; r < m_rows.size() && !error; ++r) {
        const Row &row = m_rows[r];
        if (row.removed || row.line >= 0)
            continue;
        if (lastByte != '\n') {
            emit("\n");
            if (adopt && !newLines.empty())
                newLines.back().terminator = 1;
        }
        uint64_t start = position();
        std::string text = lineText(int32_t(r));
        emit(text);
        emit(m_eol);
        if (adopt) {
            newLines.push_back({start, uint32_t(text.size() + m_eol.size() - 1), 1});
            newRowLine[r] = int64_t(newLines.size()) - 1;
        }
    }
    flush();
    if (const int finished = tmp->finish(); !error)
        error = finished;
    struct stat existing;
    if (!error && target == m_path && ::stat(m_path.c_str(), &existing) == 0) {
        // Keep the previous version: a second name for it, made before the new file replaces it.
        std::string backup = backupPath();
        ::unlink(backup.c_str());
        if (::link(m_path.c_str(), backup.c_str()) != 0) {
            std::string old;
            try {
                old = readFile(m_path);
            } catch (const Error &) {
            }
            int bfd = ::open(backup.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (bfd < 0 || writeAll(bfd, old.data(), old.size()) != 0)
                error = errno ? errno : EIO;
            if (bfd >= 0)
                ::close(bfd);
        }
    }
    if (!error && ::rename(tmp->path().c_str(), target.c_str()) != 0)
        error = errno;
    if (error) {
        ::unlink(tmp->path().c_str());
        throw Error(target + ": cannot save: " + std::strerror(error) + "; the file on disk was not changed");
    }
    syncFolderOf(target);
    if (!adopt)
        return;

    // The document now describes the new file.
    int newFd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
    if (newFd < 0)
        throw Error(target + ": saved, but cannot reopen: " + std::strerror(errno));
    ::close(m_fd);
    m_fd = newFd;
    m_file = fileIdentityOf(m_fd);
    std::string oldJournal = journalPath();
    if (m_journalFd >= 0)
        ::close(m_journalFd);
    m_journalFd = -1;
    ::unlink(oldJournal.c_str());
    m_path = target;
    m_fileSha256 = sha.hexDigest();
    m_lines = std::move(newLines);
    bool anyRemoved = false;
    for (size_t r = 0; r < m_rows.size(); ++r) {
        Row &row = m_rows[r];
        if (row.removed) {
            anyRemoved = true;
            continue;
        }
        row.line = newRowLine[r];
        row.ownText.clear();
        row.diskLabel = row.label;
        row.diskTags = row.tags;
    }
    m_rowsCompacted = anyRemoved;
    if (anyRemoved)
        m_rows.erase(std::remove_if(m_rows.begin(), m_rows.end(), [](const Row &r) { return r.removed; }),
                     m_rows.end());
    m_lineToRow.assign(m_lines.size(), -1);
    for (size_t r = 0; r < m_rows.size(); ++r)
        m_lineToRow[size_t(m_rows[r].line)] = int32_t(r);
    rebuildDataset(newLineOf, written);
}

void LabelDocument::rebuildDataset(const std::vector<int64_t> &newLineOf, uint64_t bytes)
{
    // What loadDataset would make of the file just written, from what the document knows. The
    // items keep their order, so this is exact unless a removed pair was an item's first
    // appearance (reading the file would then order the items differently, or drop one).
    auto ds = std::make_shared<Dataset>();
    const Dataset &old = *m_dataset;
    auto moved = [&](int64_t line) { // 1-based old line → 1-based new line, 0 when removed
        return line >= 1 && size_t(line) <= newLineOf.size() && newLineOf[size_t(line - 1)] >= 0
                   ? newLineOf[size_t(line - 1)] + 1
                   : 0;
    };
    bool exact = true;
    ds->path = m_path;
    ds->sha256 = m_fileSha256;
    ds->file = m_file;
    ds->fileBytes = bytes;
    ds->lines = int64_t(m_lines.size());
    ds->blankLines = old.blankLines; // blank lines are never removed
    ds->embeddingDim = old.embeddingDim;
    ds->items = old.items;
    for (Item &item : ds->items) {
        item.firstLine = moved(item.firstLine);
        exact = exact && item.firstLine > 0;
    }
    ds->embeddings = old.embeddings;
    ds->metricNames = old.metricNames;
    std::set<std::string> tagSet;
    for (const Row &row : m_rows)
        tagSet.insert(row.tags.begin(), row.tags.end());
    ds->reasonTagNames.assign(tagSet.begin(), tagSet.end());
    ds->pairs.reserve(m_rows.size());
    for (const Row &row : m_rows) {
        Pair pair;
        pair.a = row.a;
        pair.b = row.b;
        pair.label = int8_t(row.label);
        for (const std::string &tag : row.tags)
            pair.reasonTags.push_back(int(std::lower_bound(ds->reasonTagNames.begin(), ds->reasonTagNames.end(), tag) -
                                          ds->reasonTagNames.begin()));
        pair.similarity = row.similarity;
        pair.hasSimilarity = row.hasSimilarity;
        pair.line = row.line + 1;
        ds->pairs.push_back(std::move(pair));
    }
    for (Diagnostic d : old.skipped) { // bad lines stay as they were: only their numbers move
        d.line = moved(d.line);
        ds->skipped.push_back(std::move(d));
    }
    for (Diagnostic d : old.warnings) {
        if (d.line == 0) {
            // What happened to the file while it was read is over: the saved file is whole.
            if (d.reason.rfind("the file was ", 0) != 0)
                ds->warnings.push_back(std::move(d));
            continue;
        }
        d.line = moved(d.line);
        exact = exact && d.line > 0;
        if (d.line > 0)
            ds->warnings.push_back(std::move(d));
    }
    ds->lineSpans = m_lines;
    ds->itemsWithoutEmbedding = old.itemsWithoutEmbedding;
    ds->itemsResolvedFromEmbeddingsFile = old.itemsResolvedFromEmbeddingsFile;
    m_dataset = std::move(ds);
    m_datasetMatchesFile = exact;
}

LabelDocument::DiskState LabelDocument::diskState() const
{
    if (m_fd < 0)
        return DiskState::Unchanged;
    if (!fileIdentityOf(m_fd).sameVersion(m_file))
        return DiskState::ModifiedInPlace;
    const FileIdentity atPath = fileIdentityAt(m_path);
    if (!atPath.exists)
        return DiskState::Removed;
    return atPath.sameFile(m_file) ? DiskState::Unchanged : DiskState::Replaced;
}

void LabelDocument::requireReadableBase() const
{
    if (diskState() == DiskState::ModifiedInPlace)
        throw FileChangedOnDisk(m_path + ": another program rewrote the file in place while it was open here, so the "
                                         "lines around your edits can no longer be read; nothing was written. Reload "
                                         "the file to review the new version",
                                false);
}

void LabelDocument::save(bool overwriteChangedFile)
{
    requireReadableBase();
    if (!overwriteChangedFile && diskState() == DiskState::Replaced)
        throw FileChangedOnDisk(m_path + ": another program changed the file since it was opened here; saving "
                                         "would overwrite its version, so nothing was written",
                                true);
    writeTo(m_path, true);
}

void LabelDocument::saveAs(const std::string &path)
{
    if (path == m_path) {
        save();
        return;
    }
    requireReadableBase();
    writeTo(path, true);
}

void LabelDocument::exportRows(const std::string &path, const std::vector<int32_t> &rows) const
{
    requireReadableBase();
    std::string out;
    for (int32_t r : rows) {
        if (r < 0 || r >= rowCount() || m_rows[size_t(r)].removed)
            continue;
        out += lineText(r);
        out += m_eol;
    }
    writeFileAtomically(path, out);
}

ConsistencyReport LabelDocument::checkConsistency(size_t maxCycles) const
{
    ConsistencyReport report;
    const auto &items = m_dataset->items;
    auto idOf = [&](int32_t item) { return items[size_t(item)].id; };

    // 1. The same two items labelled more than once, in either order, with different verdicts.
    std::unordered_map<uint64_t, std::vector<int32_t>> byPair;
    byPair.reserve(m_rows.size());
    for (size_t r = 0; r < m_rows.size(); ++r)
        if (!m_rows[r].removed)
            byPair[pairKey(m_rows[r].a, m_rows[r].b)].push_back(int32_t(r));
    std::unordered_map<uint64_t, bool> contradicted;
    std::vector<std::pair<int32_t, uint64_t>> groups; // first row, key: report in file order
    for (const auto &entry : byPair) {
        if (entry.second.size() < 2)
            continue;
        std::set<int> verdicts;
        for (int32_t r : entry.second) {
            const Row &row = m_rows[size_t(r)];
            verdicts.insert(row.a < row.b ? row.label : -row.label); // as "lower index preferred"
        }
        if (verdicts.size() > 1) {
            contradicted[entry.first] = true;
            groups.emplace_back(entry.second.front(), entry.first);
        }
    }
    std::sort(groups.begin(), groups.end());
    for (const auto &g : groups) {
        const std::vector<int32_t> &rows = byPair[g.second];
        ConsistencyIssue issue;
        issue.kind = ConsistencyIssue::Kind::Contradiction;
        const Row &first = m_rows[size_t(rows.front())];
        issue.description = idOf(first.a) + " vs " + idOf(first.b) + ": labelled " + std::to_string(rows.size()) +
                            " times with contradicting labels (";
        for (size_t i = 0; i < rows.size(); ++i) {
            const Row &row = m_rows[size_t(rows[i])];
            int asFirst = row.a == first.a ? row.label : -row.label;
            issue.description += (i ? ", " : "") + std::string(labelWord(asFirst));
            if (row.a != first.a)
                issue.description += " (A/B swapped)";
        }
        issue.description += ")";
        issue.rows = rows;
        report.issues.push_back(std::move(issue));
        ++report.contradictions;
    }

    // 2. Cycles among decisive verdicts (winner → loser), contradicted pairs left out.
    size_t n = items.size();
    std::vector<std::vector<std::pair<int32_t, int32_t>>> edges(n); // (to, row)
    {
        std::unordered_map<uint64_t, bool> seen;
        for (size_t r = 0; r < m_rows.size(); ++r) {
            const Row &row = m_rows[r];
            if (row.removed || row.label == 0)
                continue;
            uint64_t key = pairKey(row.a, row.b);
            if (contradicted.count(key) || !seen.emplace(key, true).second)
                continue;
            int32_t winner = row.label > 0 ? row.a : row.b, loser = row.label > 0 ? row.b : row.a;
            edges[size_t(winner)].emplace_back(loser, int32_t(r));
        }
    }
    // Tarjan's strongly connected components, iteratively.
    std::vector<int32_t> index(n, -1), low(n, 0), component(n, -1);
    std::vector<char> onStack(n, 0);
    std::vector<int32_t> stack;
    std::vector<std::pair<int32_t, size_t>> call;
    int32_t counter = 0, components = 0;
    std::vector<int32_t> componentSize;
    for (size_t s = 0; s < n; ++s) {
        if (index[s] >= 0 || edges[s].empty())
            continue;
        call.emplace_back(int32_t(s), 0);
        while (!call.empty()) {
            auto &[v, next] = call.back();
            if (next == 0 && index[size_t(v)] < 0) {
                index[size_t(v)] = low[size_t(v)] = counter++;
                stack.push_back(v);
                onStack[size_t(v)] = 1;
            }
            if (next < edges[size_t(v)].size()) {
                int32_t w = edges[size_t(v)][next++].first;
                if (index[size_t(w)] < 0)
                    call.emplace_back(w, 0);
                else if (onStack[size_t(w)])
                    low[size_t(v)] = std::min(low[size_t(v)], index[size_t(w)]);
                continue;
            }
            if (low[size_t(v)] == index[size_t(v)]) {
                int32_t size = 0, w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    onStack[size_t(w)] = 0;
                    component[size_t(w)] = components;
                    ++size;
                } while (w != v);
                componentSize.push_back(size);
                ++components;
            }
            int32_t done = v;
            call.pop_back();
            if (!call.empty())
                low[size_t(call.back().first)] = std::min(low[size_t(call.back().first)], low[size_t(done)]);
        }
    }
    // In every component with a cycle, the shortest cycle through each node (breadth first,
    // inside the component), each distinct cycle listed once.
    std::set<std::vector<int32_t>> seenCycles;
    std::vector<int32_t> parentNode(n, -1), parentRow(n, -1), visitStamp(n, -1);
    size_t searches = 0;
    for (size_t s = 0; s < n && !report.cyclesCapped; ++s) {
        if (component[s] < 0 || componentSize[size_t(component[s])] < 2)
            continue;
        if (++searches > 20000) {
            report.cyclesCapped = true;
            break;
        }
        int32_t comp = component[s];
        std::vector<int32_t> queue{int32_t(s)};
        visitStamp[s] = int32_t(s);
        int32_t closingFrom = -1, closingRow = -1;
        for (size_t qi = 0; qi < queue.size() && closingFrom < 0; ++qi) {
            int32_t v = queue[qi];
            for (const auto &[w, r] : edges[size_t(v)]) {
                if (component[size_t(w)] != comp)
                    continue;
                if (w == int32_t(s)) {
                    closingFrom = v;
                    closingRow = r;
                    break;
                }
                if (visitStamp[size_t(w)] == int32_t(s))
                    continue;
                visitStamp[size_t(w)] = int32_t(s);
                parentNode[size_t(w)] = v;
                parentRow[size_t(w)] = r;
                queue.push_back(w);
            }
        }
        if (closingFrom < 0)
            continue;
        std::vector<int32_t> nodes, rows{closingRow};
        for (int32_t v = closingFrom; v != int32_t(s); v = parentNode[size_t(v)]) {
            nodes.push_back(v);
            rows.push_back(parentRow[size_t(v)]);
        }
        nodes.push_back(int32_t(s));
        std::reverse(nodes.begin(), nodes.end()); // s → … → closingFrom
        std::reverse(rows.begin(), rows.end());   // the pair of each step, in order
        std::vector<int32_t> signature = nodes;
        std::sort(signature.begin(), signature.end());
        if (!seenCycles.insert(signature).second)
            continue;
        if (report.issues.size() - size_t(report.contradictions) >= maxCycles) {
            report.cyclesCapped = true;
            break;
        }
        ConsistencyIssue issue;
        issue.kind = ConsistencyIssue::Kind::Cycle;
        issue.description = "preference cycle: ";
        for (int32_t v : nodes)
            issue.description += idOf(v) + " > ";
        issue.description += idOf(nodes.front());
        issue.rows = std::move(rows);
        report.issues.push_back(std::move(issue));
        ++report.cycles;
    }

    // 3. Ids reused with different content (found while loading).
    for (const Diagnostic &w : m_dataset->warnings) {
        if (w.reason.find("reappears with different content") == std::string::npos)
            continue;
        ConsistencyIssue issue;
        issue.kind = ConsistencyIssue::Kind::ReusedId;
        issue.description = "line " + std::to_string(w.line) + ": " + w.reason;
        // The rows on the line that reuses the id and on the line it was first seen.
        auto rowOnOriginalLine = [&](int64_t line) {
            for (size_t r = 0; r < m_dataset->pairs.size() && r < m_rows.size(); ++r)
                if (m_dataset->pairs[r].line == line)
                    return int32_t(r);
            return int32_t(-1);
        };
        size_t firstSeen = w.reason.find("first seen on line ");
        if (firstSeen != std::string::npos) {
            int32_t r = rowOnOriginalLine(std::atoll(w.reason.c_str() + firstSeen + 19));
            if (r >= 0)
                issue.rows.push_back(r);
        }
        int32_t r = rowOnOriginalLine(w.line);
        if (r >= 0)
            issue.rows.push_back(r);
        report.issues.push_back(std::move(issue));
        ++report.reusedIds;
    }
    return report;
}

size_t LabelDocument::approximateBytes() const
{
    size_t bytes = m_lines.capacity() * sizeof(LineSpan) + m_lineToRow.capacity() * sizeof(int32_t) +
                   m_rows.capacity() * sizeof(Row);
    for (const Row &row : m_rows) {
        for (const auto &t : row.tags)
            bytes += t.capacity() + sizeof t;
        for (const auto &t : row.originalTags)
            bytes += t.capacity() + sizeof t;
        for (const auto &t : row.diskTags)
            bytes += t.capacity() + sizeof t;
        bytes += row.ownText.capacity();
    }
    return bytes;
}

} // namespace ranker
