// The main window: places and their shortcuts, About, Preferences, geometry kept between sessions.
#include "core/dataset.h"
#include "core/model.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/mainwindow.h"
#include "ui/settings.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace ranker;

class MainWindowTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void places_haveAShortcutEach();
    void about_showsVersionsAndCuda();
    void preferences_setWorkspace();
    void geometry_keptBetweenSessions();
    void firstStart_opensSample();
    void smallWindow_trainButtonAndTabsInView();

private:
    QTemporaryDir m_dir;
};

void MainWindowTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
}

void MainWindowTest::init()
{
    test::resetStudioSettings(m_dir.filePath(QStringLiteral("workspace")));
}

void MainWindowTest::places_haveAShortcutEach()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *places = window.findChild<QTabWidget *>(QStringLiteral("places"));
    QCOMPARE(places->count(), 5);
    QCOMPARE(places->tabText(0), QStringLiteral("Dataset"));
    QCOMPARE(places->tabText(1), QStringLiteral("Review"));
    QCOMPARE(places->tabText(2), QStringLiteral("Train"));
    QCOMPARE(places->tabText(3), QStringLiteral("History"));
    QCOMPARE(places->tabText(4), QStringLiteral("Ranking"));
    QCOMPARE(places->indexOf(window.findChild<QWidget *>(QStringLiteral("rankingView"))),
             int(ui::MainWindow::RankingPlace));
    for (int i = 4; i >= 0; --i) {
        QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(places->currentIndex(), i);
    }
    QCOMPARE(window.findChild<QAction *>(QStringLiteral("actionOpen"))->shortcut(), QKeySequence(QKeySequence::Open));
    QCOMPARE(window.findChild<QAction *>(QStringLiteral("actionQuit"))->shortcut(), QKeySequence(QKeySequence::Quit));
}

void MainWindowTest::about_showsVersionsAndCuda()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QString shown;
    // The About box is modal: read and close it from a timer.
    QTimer::singleShot(200, &window, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            shown = box->text();
            box->accept();
        }
    });
    window.findChild<QAction *>(QStringLiteral("actionAbout"))->trigger();
    QVERIFY(shown.contains(QString::fromLatin1(qVersion())));
    QVERIFY(shown.contains(QString::fromStdString(deviceInfo().libtorchVersion)));
    QVERIFY(shown.contains(QLatin1String("CUDA")));
}

void MainWindowTest::preferences_setWorkspace()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString chosen = m_dir.filePath(QStringLiteral("elsewhere"));
    bool seen = false;
    QTimer::singleShot(200, &window, [&] {
        auto *dialog = window.findChild<QDialog *>(QStringLiteral("preferencesDialog"));
        if (!dialog)
            return;
        seen = true;
        auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("workspaceEdit"));
        edit->selectAll();
        QTest::keyClicks(edit, chosen);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    });
    window.findChild<QAction *>(QStringLiteral("actionPreferences"))->trigger();
    QVERIFY(seen);
    QCOMPARE(window.settings()->workspace, chosen);
    ui::Settings reread;
    reread.load();
    QCOMPARE(reread.workspace, chosen);
    QCOMPARE(reread.runsFolder(), chosen + QStringLiteral("/runs"));
}

void MainWindowTest::geometry_keptBetweenSessions()
{
    QSize wanted;
    {
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // A size of the user's own, above the window's minimum (the panels decide that).
        wanted = window.minimumSizeHint().expandedTo(QSize(1011, 707)) + QSize(37, 23);
        window.resize(wanted);
        window.setPlace(ui::MainWindow::HistoryPlace);
        window.close();
    }
    ui::MainWindow again;
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(again.size(), wanted);
    QCOMPARE(again.findChild<QTabWidget *>(QStringLiteral("places"))->currentIndex(),
             int(ui::MainWindow::HistoryPlace));
}

void MainWindowTest::firstStart_opensSample()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openInitialDataset(); // no argument, no last dataset: the bundled sample
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() != nullptr, 20000);
    QCOMPARE(QString::fromStdString(window.dataset()->path), ui::MainWindow::sampleDatasetPath());
    QVERIFY(window.findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled());
}

void MainWindowTest::smallWindow_trainButtonAndTabsInView()
{
    // At 1024×640 the Train button is inside the window, and the chart leaves the tab bar below it
    // (the Sweep tab's fields once pushed the chart over it); History shows eight rows or more.
    auto window = test::windowWithSample();
    QVERIFY(window);
    auto *places = window->findChild<QTabWidget *>(QStringLiteral("places"));
    for (int i = 0; i < places->count(); ++i)
        QVERIFY2(places->widget(i)->minimumSizeHint().width() <= 1000,
                 qPrintable(
                     QStringLiteral("place %1 needs %2 px").arg(i).arg(places->widget(i)->minimumSizeHint().width())));
    window->resize(1024, 640);
    window->setPlace(ui::MainWindow::TrainPlace);
    QTest::qWait(50);
    QCOMPARE(window->size(), QSize(1024, 640));
    auto inside = [&window](QWidget *w) {
        const QRect r(w->mapTo(window.get(), QPoint(0, 0)), w->size());
        return w->isVisible() && window->rect().contains(r);
    };
    auto *train = window->findChild<QPushButton *>(QStringLiteral("trainButton"));
    QVERIFY(inside(train));
    QVERIFY(inside(window->findChild<QPushButton *>(QStringLiteral("stopButton"))));
    auto *chart = window->findChild<QWidget *>(QStringLiteral("lossChart"));
    QTabWidget *bottom = nullptr;
    for (QTabWidget *tabs : window->findChildren<QTabWidget *>())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i) == QLatin1String("Sweep"))
                bottom = tabs;
    QVERIFY(bottom);
    const int chartBottom = chart->mapTo(window.get(), QPoint(0, chart->height())).y();
    const int tabsTop = bottom->mapTo(window.get(), QPoint(0, 0)).y();
    QVERIFY2(chartBottom <= tabsTop,
             qPrintable(QStringLiteral("chart ends at %1, tabs start at %2").arg(chartBottom).arg(tabsTop)));
    QVERIFY(inside(bottom));

    window->setPlace(ui::MainWindow::HistoryPlace);
    QTest::qWait(50);
    auto *runs = window->findChild<QWidget *>(QStringLiteral("runTable"));
    QVERIFY(inside(runs));
    QVERIFY(runs->height() >= 8 * 20);
}

QTEST_MAIN(MainWindowTest)
#include "tst_studio_window.moc"
