#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ranker {

/**
 * Writes `bytes` to `path` through a temporary file in the same folder, flushed to disk and
 * renamed into place: readers see the old file or the whole new one, never half of it.
 * @throw Error naming `path` and the reason (disk full, permission, …); the temporary file is
 *        removed and an existing `path` is left untouched.
 */
void writeFileAtomically(const std::string &path, const std::string &bytes);

/**
 * Several files written as one: each add() writes a temporary file next to its target and
 * flushes it; commit() renames them all into place. Until commit(), nothing at the targets has
 * changed, so a failure (disk full, folder gone) leaves a previous set of files as it was, not a
 * mix of old and new. Temporaries not committed are removed when the set goes away.
 */
class AtomicFileSet
{
public:
    AtomicFileSet() = default;
    ~AtomicFileSet();
    AtomicFileSet(const AtomicFileSet &) = delete;
    AtomicFileSet &operator=(const AtomicFileSet &) = delete;

    /// @throw Error naming `path` and the reason; the set's earlier files stay staged.
    void add(const std::string &path, const std::string &bytes);
    /// Renames every staged file into place. @throw Error naming the file that could not be renamed.
    void commit();
    /// Removes the staged temporaries (the targets are untouched).
    void discard();

private:
    struct Staged
    {
        std::string path, temporary;
    };
    std::vector<Staged> m_staged;
};

/**
 * Reads a whole regular file (a FIFO, a device or a folder is refused before it is opened for
 * reading; see readRegularFile()), of at most `maxBytes`.
 * @throw Error naming the file.
 */
std::string readFile(const std::string &path, uint64_t maxBytes = std::numeric_limits<uint64_t>::max());

/// Which file, and which version of it: to tell later whether another program changed it.
struct FileIdentity
{
    bool exists = false;
    uint64_t device = 0, inode = 0, size = 0;
    int64_t modifiedNs = 0;

    bool sameFile(const FileIdentity &other) const
    {
        return exists && other.exists && device == other.device && inode == other.inode;
    }
    bool sameVersion(const FileIdentity &other) const
    {
        return sameFile(other) && size == other.size && modifiedNs == other.modifiedNs;
    }
};

/// The identity of an open file descriptor (exists is false when fstat fails).
FileIdentity fileIdentityOf(int fd);
/// The identity of what is at `path` now (exists is false when nothing is).
FileIdentity fileIdentityAt(const std::string &path);

} // namespace ranker
