#include "ui/settings.h"

#include "core/metadata.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace ranker::ui {

namespace {
// The group/key names live here only.
constexpr auto kGeometry = "window/geometry";
constexpr auto kState = "window/state";
constexpr auto kPlace = "window/place";
constexpr auto kRecent = "files/recent";
constexpr auto kLastDataset = "files/lastDataset";
constexpr auto kLastFolder = "files/lastOpenFolder";
constexpr auto kWorkspace = "files/workspace";
constexpr auto kTrain = "train/config";
} // namespace

Settings::Settings(QObject *parent) : QObject(parent)
{
    workspace = defaultWorkspace();
}

QString Settings::defaultWorkspace()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("workspace"));
}

QString Settings::runsFolder() const
{
    return QDir(workspace).filePath(QStringLiteral("runs"));
}

void Settings::load()
{
    QSettings s;
    windowGeometry = s.value(QLatin1String(kGeometry)).toByteArray();
    windowState = s.value(QLatin1String(kState)).toByteArray();
    currentPlace = s.value(QLatin1String(kPlace), 0).toInt();
    recentFiles = s.value(QLatin1String(kRecent)).toStringList();
    lastDataset = s.value(QLatin1String(kLastDataset)).toString();
    lastOpenFolder = s.value(QLatin1String(kLastFolder)).toString();
    workspace = s.value(QLatin1String(kWorkspace), defaultWorkspace()).toString();
    if (workspace.isEmpty())
        workspace = defaultWorkspace();

    // The form is stored in the engine's own JSON form (the metadata's config keys), so a new
    // hyperparameter needs no new key here.
    train = TrainConfig{};
    const QByteArray json = s.value(QLatin1String(kTrain)).toByteArray();
    if (!json.isEmpty()) {
        const nlohmann::json parsed = nlohmann::json::parse(json.toStdString(), nullptr, false);
        if (parsed.is_object()) {
            try {
                TrainConfig loaded;
                fromJson(parsed, loaded);
                loaded.validate();
                train = loaded;
            } catch (const std::exception &) {
                train = TrainConfig{}; // a damaged value: back to the defaults
            }
        }
    }
}

void Settings::save()
{
    QSettings s;
    s.setValue(QLatin1String(kGeometry), windowGeometry);
    s.setValue(QLatin1String(kState), windowState);
    s.setValue(QLatin1String(kPlace), currentPlace);
    s.setValue(QLatin1String(kRecent), recentFiles);
    s.setValue(QLatin1String(kLastDataset), lastDataset);
    s.setValue(QLatin1String(kLastFolder), lastOpenFolder);
    s.setValue(QLatin1String(kWorkspace), workspace);
    s.setValue(QLatin1String(kTrain), QByteArray::fromStdString(toJson(train).dump()));
    s.sync();
    Q_EMIT updated();
}

void Settings::addRecentFile(const QString &path)
{
    recentFiles.removeAll(path);
    recentFiles.prepend(path);
    while (recentFiles.size() > kMaxRecentFiles)
        recentFiles.removeLast();
    lastDataset = path;
    lastOpenFolder = QFileInfo(path).absolutePath();
}

void Settings::removeRecentFile(const QString &path)
{
    recentFiles.removeAll(path);
}

} // namespace ranker::ui
