#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ranker {

/// What checkJsonSyntax() found wrong, if anything.
enum class JsonProblem {
    None,
    Grammar,         ///< not JSON at `column` (`what` says why)
    TrailingContent, ///< a complete value, then more than whitespace at `column`
    DuplicateKey,    ///< an object names `path` twice; `column` is the second one
    TooDeep,         ///< arrays and objects nest deeper than the limit at `column`
};

struct JsonSyntaxOptions
{
    /// Report a key that appears twice in one object (RFC 8259 leaves the meaning open; readers
    /// differ on which one wins, so a file that relies on either is refused).
    bool rejectDuplicateKeys = false;
    /// Deepest nesting of arrays and objects accepted; 0: no limit (the check itself never recurses).
    size_t maxDepth = 0;
};

struct JsonSyntaxResult
{
    JsonProblem problem = JsonProblem::None;
    size_t column = 0; ///< 1-based byte column of the problem; 0 when there is none
    std::string what;  ///< Grammar: why, in words
    std::string path;  ///< DuplicateKey: the key with its parents, "item_a.metrics.stars", "extra[2].x"
    explicit operator bool() const { return problem != JsonProblem::None; }
};

/**
 * Checks that `text` is exactly one JSON value (RFC 8259 grammar), with only whitespace around it,
 * and optionally that no object repeats a key and nesting stays under a limit. Iterative: a
 * deeply nested text cannot overflow the stack. UTF-8 is not checked here (simdjson does that).
 * Duplicate keys are compared after unescaping ("a" and "\u0061" are the same key); objects with
 * many keys are sorted once, so the check stays O(n log n) on hostile input.
 */
JsonSyntaxResult checkJsonSyntax(std::string_view text, const JsonSyntaxOptions &options);

/**
 * Checks that `text` is exactly one JSON value (RFC 8259 grammar), with only whitespace around it.
 * simdjson's On-Demand parser validates only what it reads and skips the rest loosely; the dataset
 * reader runs this on every line it accepts, so that no malformed line becomes data. UTF-8 is not
 * checked here (simdjson does that).
 * @return 0 when it is valid; else the 1-based column of the first error, with `what` set.
 */
size_t jsonSyntaxError(std::string_view text, std::string *what = nullptr);

/// Unescapes the body of a JSON string (without its quotes) that passed the grammar check:
/// \n, \uXXXX (surrogate pairs joined; a lone surrogate becomes U+FFFD), … as UTF-8.
std::string unescapeJsonString(std::string_view body);

} // namespace ranker
