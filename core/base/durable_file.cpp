#include "core/base/durable_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace ranker {

void ignoreFileSizeSignal()
{
    static const bool done = [] {
        std::signal(SIGXFSZ, SIG_IGN);
        return true;
    }();
    (void)done;
}

int writeAll(int fd, const char *data, size_t size)
{
    ignoreFileSizeSignal();
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        data += written;
        size -= size_t(written);
    }
    return 0;
}

void syncFolder(const std::string &dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

void syncFolderOf(const std::string &file)
{
    const std::string::size_type slash = file.rfind('/');
    syncFolder(slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash));
}

std::string temporaryNameFor(const std::string &target)
{
    static std::atomic<unsigned long> counter{0};
    return target + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

NewFile::NewFile(std::string path) : m_path(std::move(path))
{
    ignoreFileSizeSignal();
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (m_fd < 0)
        m_error = errno;
}

NewFile::~NewFile()
{
    if (m_finished)
        return; // kept, or already removed by finish()
    if (m_fd >= 0) {
        ::close(m_fd);
        ::unlink(m_path.c_str()); // only what we created: a failed open() removes nothing
    }
}

void NewFile::write(const char *data, size_t size)
{
    if (m_error == 0 && !m_finished)
        m_error = writeAll(m_fd, data, size);
}

int NewFile::finish()
{
    if (m_finished)
        return m_error;
    m_finished = true;
    if (m_fd < 0)
        return m_error; // never created
    if (m_error == 0 && ::fsync(m_fd) != 0)
        m_error = errno;
    if (::close(m_fd) != 0 && m_error == 0)
        m_error = errno;
    m_fd = -1;
    if (m_error != 0)
        ::unlink(m_path.c_str());
    return m_error;
}

std::unique_ptr<NewFile> newTemporaryFor(const std::string &target)
{
    for (int attempt = 0;; ++attempt) {
        auto file = std::make_unique<NewFile>(temporaryNameFor(target));
        if (file->error() != EEXIST || attempt >= 100)
            return file;
    }
}

int writeNewFile(const std::string &path, const std::string &bytes)
{
    NewFile file(path);
    file.write(bytes);
    return file.finish();
}

} // namespace ranker
