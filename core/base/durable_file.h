#pragma once
// Writing a file so that it survives a crash: a new file (never an existing one), every byte
// written, flushed to disk and closed before anyone renames it into place. The atomic writes
// (core/atomic_file.h), the run folders (core/runs/run_folder.h) and the label document's save
// are built on these; errors are errno values, so each caller says what failed in its own words.

#include <cstddef>
#include <memory>
#include <string>

namespace ranker {

/// Writing past RLIMIT_FSIZE raises SIGXFSZ, which would kill the process; we want EFBIG.
/// Called by everything below; idempotent.
void ignoreFileSizeSignal();

/// Writes all of `data` to `fd` (retrying short writes and EINTR). @return 0 or errno.
int writeAll(int fd, const char *data, size_t size);

/// Makes the renames and links in folder `dir` durable (best effort: some file systems refuse it).
void syncFolder(const std::string &dir);
/// syncFolder() of the folder that holds `file`.
void syncFolderOf(const std::string &file);

/// A name for a temporary next to `target`: TARGET.tmp-PID-N, unique among this process's
/// temporaries and, by the PID, from other processes'. Cleanup code parses this form.
std::string temporaryNameFor(const std::string &target);

/**
 * A new file written in pieces and flushed to disk. The first error is kept and later writes are
 * skipped; a file that was not finished, or failed, is removed when the object goes away.
 */
class NewFile
{
public:
    /// Creates `path` (O_EXCL: an existing file is never opened); error() says why it could not.
    explicit NewFile(std::string path);
    ~NewFile();
    NewFile(const NewFile &) = delete;
    NewFile &operator=(const NewFile &) = delete;

    void write(const char *data, size_t size);
    void write(const std::string &bytes) { write(bytes.data(), bytes.size()); }
    /// fsync() and close(). @return 0, or the first errno met since the file was created.
    int finish();
    /// The first errno met (0: none so far).
    int error() const { return m_error; }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
    int m_error = 0;
    bool m_finished = false;
};

/// A NewFile at temporaryNameFor(target); another name is tried while one exists (a temporary
/// left by a dead process of the same PID). Check its error().
std::unique_ptr<NewFile> newTemporaryFor(const std::string &target);

/// A new file holding `bytes`, flushed to disk (removed again on failure). @return 0 or errno.
int writeNewFile(const std::string &path, const std::string &bytes);

} // namespace ranker
