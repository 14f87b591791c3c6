#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ranker {

/**
 * Checks that `text` is exactly one JSON value (RFC 8259 grammar), with only whitespace around it.
 * simdjson's On-Demand parser validates only what it reads and skips the rest loosely; the dataset
 * reader runs this on every line it accepts, so that no malformed line becomes data. UTF-8 is not
 * checked here (simdjson does that).
 * @return 0 when it is valid; else the 1-based column of the first error, with `what` set.
 */
size_t jsonSyntaxError(std::string_view text, std::string *what = nullptr);

} // namespace ranker
