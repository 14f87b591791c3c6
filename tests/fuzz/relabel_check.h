#pragma once
// The property the Review place's byte-preserving relabelling must keep on every valid pair line:
// the patched line is still valid, carries the new label, and every byte outside the label and
// reason_tags values is as it was. Checked by the line fuzzer and by tst_fuzz_regressions.

#include "core/dataset.h"
#include "core/error.h"
#include "core/label_document.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace ranker::fuzz {

/// `line` without the bytes of its top-level label and reason_tags values.
inline std::string withoutEditedValues(const std::string &line)
{
    const PairLineSpans spans = scanPairLine(line);
    std::vector<JsonSpan> cut;
    for (const JsonSpan &span : {spans.label, spans.reasonTags})
        if (span.found)
            cut.push_back(span);
    std::sort(cut.begin(), cut.end(), [](const JsonSpan &a, const JsonSpan &b) { return a.begin < b.begin; });
    std::string rest;
    size_t at = 0;
    for (const JsonSpan &span : cut) {
        rest.append(line, at, span.begin - at);
        at = span.end;
    }
    rest.append(line, at, std::string::npos);
    return rest;
}

/// For a line that validateLine(line, dim) accepts: what relabelling breaks, or "" when nothing.
inline std::string relabelProblem(const std::string &line, int dim)
{
    const PairLineSpans spans = scanPairLine(line);
    if (!spans.valid || !spans.label.found)
        return "a valid pair line whose label the scanner does not find";
    const std::vector<std::vector<std::string>> tagSets = {{}, {"relevance", "fuzz \"quoted\" \xC3\xA9"}};
    for (int label : {-1, 0, 1}) {
        for (const auto &tags : tagSets) {
            std::string patched;
            try {
                patched = patchPairLine(line, label, tags);
            } catch (const Error &e) {
                return std::string("patchPairLine threw: ") + e.what();
            }
            const std::string reason = validateLine(patched, dim);
            if (!reason.empty())
                return "relabelled to " + std::to_string(label) + ", the line is no longer valid: " + reason;
            const PairLineSpans after = scanPairLine(patched);
            const std::string written =
                after.label.found ? patched.substr(after.label.begin, after.label.end - after.label.begin) : "";
            char *end = nullptr;
            const long value = std::strtol(written.c_str(), &end, 10); // "-0" is a way to write 0
            if (written.empty() || *end != '\0' || value != label)
                return "relabelled to " + std::to_string(label) + ", the line carries the label " + written;
            // Only the two values change (a reason_tags key may be added where there was none).
            if ((spans.reasonTags.found || tags.empty()) && withoutEditedValues(patched) != withoutEditedValues(line))
                return "relabelling changed bytes outside the label and reason_tags values";
        }
    }
    return {};
}

} // namespace ranker::fuzz
