#pragma once
// Fault injection for the fault suites: a "full disk" (RLIMIT_FSIZE), read-only folders that stay
// read-only for root, and snapshots of a folder to prove that a failed write changed nothing.

#include <QDir>
#include <QFile>
#include <QMap>
#include <QString>

#include <csignal>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ranker::test {

/**
 * Root ignores permission bits (CAP_DAC_OVERRIDE), so a read-only folder would not be read-only
 * in CI, which runs as root. Dropping the capability from this thread's effective set makes the
 * process obey permissions like any user; threads started later inherit that. Call it before
 * any thread starts (a static initialiser in the suite).
 * @return true when permissions now apply to this process.
 */
inline bool obeyFilePermissions()
{
    if (::geteuid() != 0)
        return true;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    return ::syscall(SYS_capset, &header, data) == 0;
}

/// True when `folder` really refuses new files (the precondition of an "unwritable" test).
inline bool refusesNewFiles(const QString &folder)
{
    QFile probe(QDir(folder).filePath(QStringLiteral(".probe")));
    if (probe.open(QIODevice::WriteOnly)) {
        probe.close();
        probe.remove();
        return false;
    }
    return true;
}

/// While alive, no file of this process (or of the processes it starts) can grow past `bytes`:
/// a write past it fails with EFBIG ("File too large"), as on a disk that is full.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        std::signal(SIGXFSZ, SIG_IGN); // EFBIG instead of being killed
        m_ok = ::getrlimit(RLIMIT_FSIZE, &m_old) == 0;
        rlimit limited = m_old;
        limited.rlim_cur = bytes;
        m_ok = m_ok && ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit() { lift(); }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;

    bool isActive() const { return m_ok; }
    void lift()
    {
        if (m_ok)
            ::setrlimit(RLIMIT_FSIZE, &m_old);
        m_ok = false;
    }

private:
    rlimit m_old{};
    bool m_ok = false;
};

/// Every file under `folder` (recursively, hidden ones too) with its bytes, by relative path.
inline QMap<QString, QByteArray> snapshot(const QString &folder)
{
    QMap<QString, QByteArray> files;
    QDir root(folder);
    const QStringList entries =
        root.entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    for (const QString &name : entries) {
        const QString path = root.filePath(name);
        if (QFileInfo(path).isDir()) {
            const auto inner = snapshot(path);
            for (auto it = inner.begin(); it != inner.end(); ++it)
                files.insert(name + QLatin1Char('/') + it.key(), it.value());
            files.insert(name + QLatin1Char('/'), QByteArray());
        } else {
            QFile file(path);
            files.insert(name, file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>"));
        }
    }
    return files;
}

/// Names that differ between two snapshots (added, removed or changed), for failure messages.
inline QStringList differences(const QMap<QString, QByteArray> &before, const QMap<QString, QByteArray> &after)
{
    QStringList out;
    for (auto it = before.begin(); it != before.end(); ++it)
        if (!after.contains(it.key()))
            out << QStringLiteral("removed ") + it.key();
        else if (after.value(it.key()) != it.value())
            out << QStringLiteral("changed ") + it.key();
    for (auto it = after.begin(); it != after.end(); ++it)
        if (!before.contains(it.key()))
            out << QStringLiteral("added ") + it.key();
    return out;
}

} // namespace ranker::test
