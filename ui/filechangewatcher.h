#pragma once
// Watches the one file a place shows for changes made by other programs.

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

#include <functional>

namespace ranker::ui {

/**
 * Calls `changed` once per burst of changes to the watched file (an editor's save is several
 * notifications), after `quietMs` without another. A file replaced by a rename, or removed and
 * written again, stays watched: the name is watched again each time.
 */
class FileChangeWatcher
{
public:
    FileChangeWatcher(QObject *owner, int quietMs, std::function<void()> changed)
        : m_watcher(new QFileSystemWatcher(owner)), m_quiet(new QTimer(owner))
    {
        m_quiet->setSingleShot(true);
        m_quiet->setInterval(quietMs);
        QObject::connect(m_watcher, &QFileSystemWatcher::fileChanged, m_quiet, qOverload<>(&QTimer::start));
        QObject::connect(m_quiet, &QTimer::timeout, owner, [this, changed = std::move(changed)] {
            watch(m_path); // what has the name now
            changed();
        });
    }
    FileChangeWatcher(const FileChangeWatcher &) = delete;
    FileChangeWatcher &operator=(const FileChangeWatcher &) = delete;

    /// Watches `path` instead of the file watched so far (empty: none).
    void watch(const QString &path)
    {
        m_path = path;
        if (!m_watcher->files().isEmpty())
            m_watcher->removePaths(m_watcher->files());
        if (!path.isEmpty() && QFileInfo::exists(path))
            m_watcher->addPath(path);
    }

private:
    QFileSystemWatcher *m_watcher; // owned by the owner QObject, like the timer
    QTimer *m_quiet;
    QString m_path;
};

} // namespace ranker::ui
