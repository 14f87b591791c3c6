#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

namespace ranker::ui {

/// What the History panel keeps between sessions, typed (QSettings group "history"). Widgets read
/// and write these members and call save(); nothing else touches the keys.
class HistorySettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistorySettings)

public:
    enum class Smoothing { None = 0, MovingAverage = 1, Exponential = 2 };

    explicit HistorySettings(QObject *parent = nullptr);

    /// Reads every value; missing keys take their defaults.
    void load();
    /// Writes every value and emits updated().
    void save();

    /// Run folders (a `ranker-train --output` folder) or folders of runs added by hand.
    QStringList extraFolders;
    Smoothing smoothing = Smoothing::None;
    int movingAverageWindow = 5;
    double exponentialWeight = 0.6;
    bool differencesOnly = false;
    QString scatterParameter = QStringLiteral("learning_rate");
    QString lastEvaluationDataset;
    QString lastExportFolder;

Q_SIGNALS:
    void updated();
};

} // namespace ranker::ui
