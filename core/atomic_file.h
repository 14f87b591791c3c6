#pragma once

#include <string>

namespace ranker {

/**
 * Writes `bytes` to `path` through a temporary file in the same folder, flushed to disk and
 * renamed into place: readers see the old file or the whole new one, never half of it.
 * @throw Error naming `path` and the reason (disk full, permission, …); the temporary file is
 *        removed and an existing `path` is left untouched.
 */
void writeFileAtomically(const std::string &path, const std::string &bytes);

/// Reads a whole file. @throw Error naming the file.
std::string readFile(const std::string &path);

} // namespace ranker
