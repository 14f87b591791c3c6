#pragma once

#include "core/trainer.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

namespace ranker::ui {

/// Every value the studio keeps between sessions, typed. Widgets read and write these members and
/// call save(); nothing else touches QSettings keys.
class Settings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Settings)

public:
    static constexpr int kMaxRecentFiles = 8;

    explicit Settings(QObject *parent = nullptr);

    /// Reads every value from QSettings; missing keys take their defaults.
    void load();
    /// Writes every value to QSettings and emits updated().
    void save();

    /// Puts `path` first in the recent-files list (no duplicates, at most kMaxRecentFiles).
    void addRecentFile(const QString &path);
    void removeRecentFile(const QString &path);

    /// The runs folder of the workspace: WORKSPACE/runs.
    QString runsFolder() const;
    /// WORKSPACE default: under the user's data directory.
    static QString defaultWorkspace();

    // Window
    QByteArray windowGeometry;
    QByteArray windowState;
    int currentPlace = 0;

    // Files
    QStringList recentFiles;
    QString lastDataset;
    QString lastOpenFolder;
    QString workspace;

    // The Train form's last values (the seed's defaults until changed).
    TrainConfig train;

Q_SIGNALS:
    void updated();
};

} // namespace ranker::ui
