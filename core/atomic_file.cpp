#include "core/atomic_file.h"

#include "core/base/durable_file.h"
#include "core/base/regular_file.h"
#include "core/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ranker {

namespace {

/// Writes `bytes` to a new temporary file next to `path`, flushed to disk. @return its name.
std::string writeTemporary(const std::string &path, const std::string &bytes)
{
    const std::unique_ptr<NewFile> tmp = newTemporaryFor(path);
    tmp->write(bytes);
    if (const int error = tmp->finish())
        throw Error(path + ": cannot write: " + std::strerror(error));
    return tmp->path();
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
