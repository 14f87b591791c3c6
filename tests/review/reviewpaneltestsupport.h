#pragma once
// The review suites' window: a ReviewPanel shown, active, with a file open and the pair list focused.

#include "ui/review/reviewpanel.h"

#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <memory>

namespace ranker::test {

/// nullptr when the window does not show or the file does not open within 20 s.
inline std::unique_ptr<ui::ReviewPanel> shownReviewPanel(const QString &path, int embeddingDim,
                                                         ui::ReviewPanel::JournalPolicy policy)
{
    auto panel = std::make_unique<ui::ReviewPanel>();
    panel->setJournalPolicy(policy);
    panel->resize(1300, 850);
    panel->show();
    if (!QTest::qWaitForWindowExposed(panel.get()))
        return nullptr;
    panel->activateWindow();
    if (!QTest::qWaitForWindowActive(panel.get()))
        return nullptr;
    QSignalSpy opened(panel.get(), &ui::ReviewPanel::fileOpened);
    if (!panel->openFile(path, embeddingDim) || !opened.wait(20000))
        return nullptr;
    panel->findChild<QTableView *>(QStringLiteral("pairTable"))->setFocus();
    return panel;
}

} // namespace ranker::test
