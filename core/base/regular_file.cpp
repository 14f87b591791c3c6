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

const char *kindOf(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

[[noreturn]] void refuse(const std::string &path, const std::string &kind)
{
    throw Error(path + ": is " + kind + ", not a regular file");
}

} // namespace

std::string notRegularFileKind(const std::string &path)
{
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode))
        return {};
    struct stat link;
    const bool symlink = ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
    return (symlink ? "a symbolic link to " : "") + std::string(kindOf(st.st_mode));
}

int openRegularFile(const std::string &path)
{
    // Before open(): opening a device can have effects of its own, and a FIFO blocks.
    const std::string kind = notRegularFileKind(path);
    if (!kind.empty())
        refuse(path, kind);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open: " + std::strerror(errno));
    // What was opened, in case another program swapped the path since the stat() above.
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        throw Error(path + ": cannot read: " + std::strerror(error));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        refuse(path, kindOf(st.st_mode));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

std::string readRegularFile(const std::string &path, uint64_t maxBytes)
{
    const int fd = openRegularFile(path);
    struct stat st;
    const uint64_t size = ::fstat(fd, &st) == 0 && st.st_size > 0 ? uint64_t(st.st_size) : 0;
    if (size > maxBytes) {
        ::close(fd);
        throw Error(path + ": is " + formatByteSize(size) + ", over the limit of " + formatByteSize(maxBytes));
    }
    std::string out;
    out.reserve(size_t(size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int error = errno;
            ::close(fd);
            throw Error(path + ": read error: " + std::strerror(error));
        }
        if (got == 0)
            break;
        // The file may grow while it is read: the limit holds for what is read, not what fstat said.
        if (uint64_t(out.size()) + uint64_t(got) > maxBytes) {
            ::close(fd);
            throw Error(path + ": is over the limit of " + formatByteSize(maxBytes));
        }
        out.append(buffer, size_t(got));
    }
    ::close(fd);
    return out;
}

std::string formatByteSize(uint64_t bytes)
{
    char text[32];
    if (bytes >= (1ull << 30))
        std::snprintf(text, sizeof text, "%.2f GiB", double(bytes) / double(1ull << 30));
    else if (bytes >= (1ull << 20))
        std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1ull << 20));
    else if (bytes >= (1ull << 10))
        std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / double(1ull << 10));
    else
        std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
    return text;
}

} // namespace ranker
