#pragma once
// Shared set-up of the studio's GUI suites: isolated settings and workspace, a window, its widgets.

#include "ui/mainwindow.h"
#include "ui/settings.h"

#include <QCheckBox>
#include <QFile>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <memory>

namespace ranker::test {

/// Test-mode settings (QStandardPaths test mode) with the workspace in `workspace`.
inline void resetStudioSettings(const QString &workspace)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    ui::Settings settings;
    settings.load();
    settings.workspace = workspace;
    settings.save();
}

/// Types `value` into a spin box as a person does: select its text, type the number, Tab away.
inline void setSpin(QSpinBox *spin, int value)
{
    spin->setFocus();
    QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin, QString::number(value));
    QTest::keyClick(spin, Qt::Key_Tab);
}

/// A JSON file (a run's metadata), or a discarded value when it cannot be read.
inline nlohmann::json readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return nlohmann::json::value_t::discarded;
    return nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
}

/// What a test's window starts with: the product's defaults, or every epoch trained (early
/// stopping off, no refit) so that a test counting epochs, chart points or trials sees them all.
enum class Form { Defaults, EveryEpoch };

/// A shown main window with the bundled sample loaded.
inline std::unique_ptr<ui::MainWindow> windowWithSample(Form form = Form::EveryEpoch)
{
    auto window = std::make_unique<ui::MainWindow>();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    window->findChild<QAction *>(QStringLiteral("actionOpenSample"))->trigger();
    if (!QTest::qWaitFor([&] { return window->dataset() != nullptr; }, 20000))
        return nullptr;
    if (form == Form::EveryEpoch) {
        window->findChild<QSpinBox *>(QStringLiteral("patienceSpin"))->setValue(0);
        window->findChild<QCheckBox *>(QStringLiteral("refitCheck"))->setChecked(false);
    }
    return window;
}

} // namespace ranker::test
