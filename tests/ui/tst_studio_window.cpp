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
    QCOMPARE(places->count(), 4);
    QCOMPARE(places->tabText(0), QStringLiteral("Dataset"));
    QCOMPARE(places->tabText(1), QStringLiteral("Review"));
    QCOMPARE(places->tabText(2), QStringLiteral("Train"));
    QCOMPARE(places->tabText(3), QStringLiteral("History"));
    for (int i = 3; i >= 0; --i) {
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

QTEST_MAIN(MainWindowTest)
#include "tst_studio_window.moc"
