// history-screenshot RUNS_FOLDER OUT.png [WIDTH HEIGHT]: the History panel comparing every run in
// RUNS_FOLDER, grabbed offscreen (docs/history-compare.png). Not a test: run it by hand.
// HISTORY_TAB=details or HISTORY_TAB=evaluate (with HISTORY_DATASET=FILE) grabs the first run's
// details or its evaluation instead.

#include "ui/history/runevaluateview.h"
#include "ui/history/runhistorypanel.h"

#include <QApplication>
#include <QPixmap>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cstdio>

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: history-screenshot RUNS_FOLDER OUT.png [WIDTH HEIGHT]\n");
        return 2;
    }
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 10));
    ranker::ui::RunHistoryPanel panel(QString::fromLocal8Bit(argv[1]));
    panel.resize(argc > 4 ? std::atoi(argv[3]) : 1500, argc > 4 ? std::atoi(argv[4]) : 1000);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return 1;
    QStringList all;
    auto *table = panel.findChild<QTableView *>(QStringLiteral("runTable"));
    for (int r = 0; r < table->model()->rowCount(); ++r)
        all << table->model()->index(r, 0).data(Qt::UserRole + 1).toString();
    const QByteArray tab = qgetenv("HISTORY_TAB");
    panel.selectRuns(tab.isEmpty() ? all : all.mid(0, 1));
    if (!tab.isEmpty()) {
        auto *tabs = panel.findChild<QTabWidget *>(QStringLiteral("historyTabs"));
        tabs->setCurrentIndex(tab == "evaluate" ? 2 : 0);
        if (tab == "evaluate") {
            auto *view = panel.findChild<ranker::ui::RunEvaluateView *>(QStringLiteral("runEvaluate"));
            view->setDatasetPath(QString::fromLocal8Bit(qgetenv("HISTORY_DATASET")));
            QSignalSpy done(view, &ranker::ui::RunEvaluateView::done);
            view->startEvaluation();
            done.wait(60000);
        }
    }
    if (auto *split = panel.findChild<QSplitter *>(QStringLiteral("historySplitter")))
        split->setSizes({panel.height() * 22 / 100, panel.height() * 78 / 100});
    QTest::qWait(300);
    const bool ok = panel.grab().save(QString::fromLocal8Bit(argv[2]));
    std::printf("%s %s (%d runs compared)\n", ok ? "wrote" : "could not write", argv[2], int(all.size()));
    return ok ? 0 : 1;
}
