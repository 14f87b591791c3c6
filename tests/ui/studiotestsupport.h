#pragma once
// Shared set-up of the studio's GUI suites: isolated settings and workspace, a window, its widgets.

#include "ui/mainwindow.h"
#include "ui/settings.h"

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

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

/// A shown main window with the bundled sample loaded.
inline std::unique_ptr<ui::MainWindow> windowWithSample()
{
    auto window = std::make_unique<ui::MainWindow>();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    window->findChild<QAction *>(QStringLiteral("actionOpenSample"))->trigger();
    if (!QTest::qWaitFor([&] { return window->dataset() != nullptr; }, 20000))
        return nullptr;
    return window;
}

} // namespace ranker::test
