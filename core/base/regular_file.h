#pragma once
// Opening files that a user names, or that anyone may have put in a folder we read: only regular
// files are read, and never past a size the caller chooses. A FIFO with no writer would block
// open() for ever, /dev/zero would be read for ever, a folder cannot be read at all.

#include <cstdint>
#include <limits>
#include <string>

namespace ranker {

constexpr uint64_t kNoSizeLimit = std::numeric_limits<uint64_t>::max();

/**
 * What is at `path` when it is not a regular file, in words for a message ("a named pipe (FIFO)",
 * "a symbolic link to a character device", "a folder"); empty when it is a regular file or a
 * symbolic link to one. Missing or unreadable paths give an empty string too (open() says why).
 */
std::string notRegularFileKind(const std::string &path);

/**
 * Opens `path` for reading when it is a regular file (symbolic links are followed, and what they
 * lead to is checked). It is checked with stat() before open(), and opened with O_NONBLOCK (then
 * cleared), so that a FIFO swapped in between cannot block either.
 * @return a file descriptor (O_CLOEXEC), blocking reads.
 * @throw Error "PATH: is a named pipe (FIFO), not a regular file", "PATH: cannot open: REASON".
 */
int openRegularFile(const std::string &path);

/**
 * Reads the whole regular file at `path`, refusing one larger than `maxBytes` without reading it.
 * @throw Error naming the file: openRegularFile()'s errors, "PATH: is 20.0 MiB, over the limit of
 *        16.0 MiB", read errors.
 */
std::string readRegularFile(const std::string &path, uint64_t maxBytes = kNoSizeLimit);

/// "12 bytes", "3.4 KiB", "20.0 MiB", "1.50 GiB".
std::string formatByteSize(uint64_t bytes);

} // namespace ranker
