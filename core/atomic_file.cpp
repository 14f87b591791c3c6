#include "core/atomic_file.h"

#include "core/base/regular_file.h"
#include "core/error.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace ranker {

namespace {

/// Writing past RLIMIT_FSIZE raises SIGXFSZ, which would kill the process; we want EFBIG.
void ignoreFileSizeSignal()
{
    static const bool done = [] {
        std::signal(SIGXFSZ, SIG_IGN);
        return true;
    }();
    (void)done;
}

/// Writes `bytes` to a new temporary file next to `path`, flushed to disk. @return its name.
std::string writeTemporary(const std::string &path, const std::string &bytes)
{
    ignoreFileSizeSignal();
    std::random_device entropy;
    std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(entropy() % 1000000);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(path + ": cannot write: " + std::strerror(errno));
    const char *data = bytes.data();
    size_t left = bytes.size();
    int error = 0;
    while (left > 0) {
        ssize_t written = ::write(fd, data, left);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
            break;
        }
        data += written;
        left -= size_t(written);
    }
    if (!error && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && !error)
        error = errno;
    if (error) {
        ::unlink(tmp.c_str());
        throw Error(path + ": cannot write: " + std::strerror(error));
    }
    return tmp;
}

/// Makes the renames in `file`'s folder durable (best effort: some file systems refuse it).
void syncFolderOf(const std::string &file)
{
    std::string::size_type slash = file.rfind('/');
    std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

void writeFileAtomically(const std::string &path, const std::string &bytes)
{
    AtomicFileSet file;
    file.add(path, bytes);
    file.commit();
}

AtomicFileSet::~AtomicFileSet()
{
    discard();
}

void AtomicFileSet::add(const std::string &path, const std::string &bytes)
{
    m_staged.push_back({path, writeTemporary(path, bytes)});
}

void AtomicFileSet::commit()
{
    for (size_t i = 0; i < m_staged.size(); ++i) {
        if (::rename(m_staged[i].temporary.c_str(), m_staged[i].path.c_str()) != 0) {
            const int error = errno;
            const std::string failed = m_staged[i].path;
            // Those renamed are in place; the rest are removed.
            m_staged.erase(m_staged.begin(), m_staged.begin() + std::ptrdiff_t(i));
            discard();
            throw Error(failed + ": cannot write: " + std::strerror(error));
        }
    }
    if (!m_staged.empty())
        syncFolderOf(m_staged.front().path);
    m_staged.clear();
}

void AtomicFileSet::discard()
{
    for (const Staged &staged : m_staged)
        ::unlink(staged.temporary.c_str());
    m_staged.clear();
}

std::string readFile(const std::string &path, uint64_t maxBytes)
{
    return readRegularFile(path, maxBytes);
}

namespace {
FileIdentity identityFrom(const struct stat &st)
{
    FileIdentity id;
    id.exists = true;
    id.device = uint64_t(st.st_dev);
    id.inode = uint64_t(st.st_ino);
    id.size = uint64_t(st.st_size);
    id.modifiedNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + int64_t(st.st_mtim.tv_nsec);
    return id;
}
} // namespace

FileIdentity fileIdentityOf(int fd)
{
    struct stat st;
    return ::fstat(fd, &st) == 0 ? identityFrom(st) : FileIdentity{};
}

FileIdentity fileIdentityAt(const std::string &path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? identityFrom(st) : FileIdentity{};
}

} // namespace ranker
