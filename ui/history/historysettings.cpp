#include "ui/history/historysettings.h"

#include <QSettings>

namespace ranker::ui {

HistorySettings::HistorySettings(QObject *parent) : QObject(parent) {}

void HistorySettings::load()
{
    QSettings s;
    s.beginGroup(QStringLiteral("history"));
    extraFolders = s.value(QStringLiteral("extraFolders")).toStringList();
    const int mode = s.value(QStringLiteral("smoothing"), 0).toInt();
    smoothing = mode == 1 ? Smoothing::MovingAverage : mode == 2 ? Smoothing::Exponential : Smoothing::None;
    movingAverageWindow = qBound(1, s.value(QStringLiteral("movingAverageWindow"), 5).toInt(), 100);
    exponentialWeight = qBound(0.0, s.value(QStringLiteral("exponentialWeight"), 0.6).toDouble(), 0.99);
    differencesOnly = s.value(QStringLiteral("differencesOnly"), false).toBool();
    scatterParameter = s.value(QStringLiteral("scatterParameter"), QStringLiteral("learning_rate")).toString();
    lastEvaluationDataset = s.value(QStringLiteral("lastEvaluationDataset")).toString();
    lastExportFolder = s.value(QStringLiteral("lastExportFolder")).toString();
    s.endGroup();
}

void HistorySettings::save()
{
    QSettings s;
    s.beginGroup(QStringLiteral("history"));
    s.setValue(QStringLiteral("extraFolders"), extraFolders);
    s.setValue(QStringLiteral("smoothing"), int(smoothing));
    s.setValue(QStringLiteral("movingAverageWindow"), movingAverageWindow);
    s.setValue(QStringLiteral("exponentialWeight"), exponentialWeight);
    s.setValue(QStringLiteral("differencesOnly"), differencesOnly);
    s.setValue(QStringLiteral("scatterParameter"), scatterParameter);
    s.setValue(QStringLiteral("lastEvaluationDataset"), lastEvaluationDataset);
    s.setValue(QStringLiteral("lastExportFolder"), lastExportFolder);
    s.endGroup();
    Q_EMIT updated();
}

} // namespace ranker::ui
