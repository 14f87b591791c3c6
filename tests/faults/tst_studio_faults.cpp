// Faults in the studio, driven through its widgets offscreen: the window closed during training, a
// full disk when a run is exported, an unwritable workspace, a dataset changed or removed on disk
// (while open and while loading), a file under review changed by another program, and run notes
// written into a full disk. Each ends in a clear message, and nothing already saved is lost.
#include "core/label_document.h"
#include "core/model.h"
#include "core/run_history.h"
#include "faultsupport.h"
#include "tests/ui/studiotestsupport.h"
#include "testsupport.h"
#include "ui/datasetpanel.h"
#include "ui/history/runhistorypanel.h"
#include "ui/mainwindow.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"
#include "ui/settings.h"
#include "ui/trainingworker.h"
#include "ui/trainpanel.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <nlohmann/json.hpp>

#include <cstdio>

using namespace ranker;

namespace {

// Before any thread starts: permissions apply even when the suite runs as root (CI does).
const bool g_obeysPermissions = test::obeyFilePermissions();

const QString kSample = QStringLiteral(RANKER_SOURCE_DIR "/resources/sample/sample_pairs.jsonl");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

/// Writes `bytes` as another program that saves safely does: a new file renamed over `path`.
bool replaceFile(const QString &path, const QByteArray &bytes)
{
    const QString tmp = path + QStringLiteral(".other-program");
    return writeAll(tmp, bytes) && std::rename(qPrintable(tmp), qPrintable(path)) == 0;
}

/// With RANKER_FAULT_SCREENSHOTS=DIR, saves `widget` as DIR/NAME.png (the README's pictures).
void screenshot(QWidget *widget, const char *name)
{
    const QString folder = qEnvironmentVariable("RANKER_FAULT_SCREENSHOTS");
    if (folder.isEmpty() || !widget)
        return;
    QDir().mkpath(folder);
    QCoreApplication::processEvents();
    widget->grab().save(QDir(folder).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
}

/**
 * Answers the next message box when it opens (it runs its own event loop): clicks the button with
 * `objectName`, or the standard button `fallback`, and keeps the box's text.
 */
class DialogAnswer
{
public:
    DialogAnswer(const QString &objectName, QMessageBox::StandardButton fallback = QMessageBox::NoButton,
                 const char *screenshotName = nullptr)
    {
        m_timer.setInterval(20);
        QObject::connect(&m_timer, &QTimer::timeout, [this, objectName, fallback, screenshotName] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            m_timer.stop();
            if (screenshotName)
                screenshot(box, screenshotName);
            m_text = box->text() + QLatin1Char('\n') + box->informativeText();
            QAbstractButton *button =
                objectName.isEmpty() ? box->button(fallback) : box->findChild<QPushButton *>(objectName);
            m_found = button != nullptr;
            if (button)
                QTest::mouseClick(button, Qt::LeftButton);
            else
                box->reject();
        });
        m_timer.start();
    }
    bool answered() const { return !m_text.isEmpty() && m_found; }
    QString text() const { return m_text; }

private:
    QTimer m_timer;
    QString m_text;
    bool m_found = false;
};

} // namespace

class StudioFaultsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void closeWindowDuringTraining_asksThenStopsKeepsTheRunAndCloses();
    void fullDiskAtExport_keepsTheModelUntilSavedElsewhere();
    void unwritableWorkspace_trainingRefusedWithTheFolderAndReason();
    void datasetChangedOnDisk_noticeAndReload();
    void datasetRemovedWhileLoading_loadedInFullWithNotice();
    void reviewFileReplacedOnDisk_bannerThenSaveAsksAndOverwrites();
    void reviewFileRewrittenInPlace_reloadCarriesTheEditsOver();
    void reviewFileChangedWithoutEdits_reloadsByItself();
    void runNotesIntoFullDisk_saysNotSavedAndKeepsTheOldNotes();

private:
    QString workspace() const { return m_dir.filePath(QStringLiteral("workspace")); }
    QString copyOfSample(const QString &name);
    std::unique_ptr<ui::ReviewPanel> reviewing(const QString &path);

    QTemporaryDir m_dir;
};

void StudioFaultsTest::initTestCase()
{
    QVERIFY(g_obeysPermissions);
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
}

void StudioFaultsTest::init()
{
    test::resetStudioSettings(workspace());
}

QString StudioFaultsTest::copyOfSample(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    if (!QFile::copy(kSample, path))
        return {};
    QFile(path).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

std::unique_ptr<ui::ReviewPanel> StudioFaultsTest::reviewing(const QString &path)
{
    auto panel = std::make_unique<ui::ReviewPanel>();
    panel->setJournalPolicy(ui::ReviewPanel::JournalPolicy::Discard);
    panel->resize(1300, 850);
    panel->show();
    if (!QTest::qWaitForWindowExposed(panel.get()))
        return nullptr;
    QSignalSpy opened(panel.get(), &ui::ReviewPanel::fileOpened);
    if (!panel->openFile(path, 32) || !opened.wait(20000))
        return nullptr;
    panel->findChild<QTableView *>(QStringLiteral("pairTable"))->setFocus();
    return panel;
}

void StudioFaultsTest::closeWindowDuringTraining_asksThenStopsKeepsTheRunAndCloses()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 100000);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("batchSizeSpin")), 8);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QSignalSpy finished(controller, &ui::TrainingController::finished);
    QSignalSpy epochs(controller, &ui::TrainingController::epochReported);
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("trainButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= 2, 60000);

    // Cancel: the window stays, and so does the run.
    {
        DialogAnswer cancel(QString(), QMessageBox::Cancel, "fault-close-during-training");
        QVERIFY(!window->close());
        QVERIFY(cancel.answered());
        QVERIFY2(cancel.text().contains(QStringLiteral("Stop it and quit")), qPrintable(cancel.text()));
        QVERIFY2(cancel.text().contains(QDir::toNativeSeparators(workspace())), qPrintable(cancel.text()));
    }
    QVERIFY(window->isVisible());
    QVERIFY(window->findChild<ui::TrainPanel *>()->isTraining());
    const int epochsBefore = int(epochs.size());
    QTRY_VERIFY_WITH_TIMEOUT(epochs.size() > epochsBefore, 60000);

    // Stop and Quit: the window closes once the cancelled run is written.
    {
        DialogAnswer stop(QStringLiteral("stopAndQuitButton"));
        window->close();
        QVERIFY(stop.answered());
    }
    QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 20000);
    QCOMPARE(finished.size(), 1);
    const auto outcome = finished.first().first().value<ui::RunOutcome>();
    QCOMPARE(outcome.end, RunEnd::Cancelled);
    QVERIFY(outcome.runDir.startsWith(workspace()));
    const nlohmann::json metadata = test::readJson(outcome.metadataPath);
    QCOMPARE(metadata.value("ended", std::string()), std::string("cancelled"));
    const int completed = metadata.value("epochs_completed", 0);
    QVERIFY(completed >= epochsBefore);
    QVERIFY(completed < 100000);
    // The .pth holds the kept epoch's state: its weights, its epoch and the loss history up to it.
    const Checkpoint checkpoint = loadCheckpoint(outcome.pthPath.toStdString());
    const int kept = metadata.value("kept_epoch", -1);
    QVERIFY(kept >= 1 && kept <= completed);
    QCOMPARE(checkpoint.epoch, kept);
    QCOMPARE(int(checkpoint.lossHistory.size()), kept);
    QCOMPARE(int(metadata["loss_history"].size()), completed);
}

void StudioFaultsTest::fullDiskAtExport_keepsTheModelUntilSavedElsewhere()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    auto *panel = window->findChild<ui::TrainPanel *>();
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    auto *train = window->findChild<QPushButton *>(QStringLiteral("trainButton"));
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 3);
    QSignalSpy finished(controller, &ui::TrainingController::finished);
    QSignalSpy exportFailed(controller, &ui::TrainingController::exportFailed);

    // A first run, saved: the one a failed export must leave alone.
    QTest::mouseClick(train, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    const auto before = test::snapshot(workspace());

    {
        test::FileSizeLimit full(4096); // the .pth of the default network is far larger
        QVERIFY(full.isActive());
        QTest::mouseClick(train, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(exportFailed.size(), 1, 60000);
    }
    QCOMPARE(finished.size(), 1);
    QCOMPARE(test::differences(before, test::snapshot(workspace())), QStringList());
    const QString status = window->findChild<QLabel *>(QStringLiteral("trainStatus"))->text();
    QVERIFY2(status.contains(QStringLiteral("could not be written")) &&
                 status.contains(QStringLiteral("File too large")),
             qPrintable(status));
    auto *saveElsewhere = window->findChild<QPushButton *>(QStringLiteral("saveRunElsewhereButton"));
    QVERIFY(saveElsewhere->isVisible());
    QVERIFY(panel->hasUnsavedRun());
    screenshot(window.get(), "fault-export-failed");

    // Closing now asks first; Cancel keeps the trained model.
    {
        DialogAnswer cancel(QString(), QMessageBox::Cancel);
        QVERIFY(!window->close());
        QVERIFY(cancel.answered());
        QVERIFY2(cancel.text().contains(QStringLiteral("only in memory")), qPrintable(cancel.text()));
    }
    QVERIFY(window->isVisible());
    QVERIFY(panel->hasUnsavedRun());

    // Saved elsewhere (what the button does once a folder is chosen): the three files, all there.
    const QString elsewhere = m_dir.filePath(QStringLiteral("rescued"));
    QVERIFY(QDir().mkpath(elsewhere));
    QVERIFY(panel->saveUnsavedRun(elsewhere));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
    const auto outcome = finished.last().first().value<ui::RunOutcome>();
    QVERIFY(outcome.runDir.startsWith(elsewhere));
    QCOMPARE(outcome.epochsCompleted, 3);
    for (const QString &file : {outcome.pthPath, outcome.onnxPath, outcome.metadataPath})
        QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
    QCOMPARE(test::readJson(outcome.metadataPath).value("epochs_completed", 0), 3);
    QVERIFY(!saveElsewhere->isVisible());
    QVERIFY(!panel->hasUnsavedRun());
    QVERIFY(window->close()); // nothing left to ask about
}

void StudioFaultsTest::unwritableWorkspace_trainingRefusedWithTheFolderAndReason()
{
    const QString readOnly = m_dir.filePath(QStringLiteral("read-only-workspace"));
    QVERIFY(QDir().mkpath(readOnly));
    QVERIFY(QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    QVERIFY(test::refusesNewFiles(readOnly));
    test::resetStudioSettings(readOnly);

    auto window = test::windowWithSample();
    QVERIFY(window);
    const ui::DatasetPtr dataset = window->dataset();
    window->setPlace(ui::MainWindow::TrainPlace);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QSignalSpy failed(controller, &ui::TrainingController::failed);
    QSignalSpy epochs(controller, &ui::TrainingController::epochReported);
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("trainButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 20000);
    QCOMPARE(epochs.size(), 0); // refused before training, not after
    const QString status = window->findChild<QLabel *>(QStringLiteral("trainStatus"))->text();
    QVERIFY2(status.contains(readOnly) && status.contains(QStringLiteral("Permission denied")), qPrintable(status));
    QCOMPARE(window->dataset(), dataset); // the dataset stays loaded
    QCOMPARE(test::snapshot(readOnly).size(), 0);
    QVERIFY(window->findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled());
    QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

void StudioFaultsTest::datasetChangedOnDisk_noticeAndReload()
{
    const QString path = copyOfSample(QStringLiteral("watched.jsonl"));
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openDataset(path);
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() && QString::fromStdString(window.dataset()->path) == path, 20000);
    auto *panel = window.findChild<ui::DatasetPanel *>();
    QCOMPARE(panel->fileNotice(), QString());
    const size_t pairs = window.dataset()->pairs.size();

    // Another program drops the first 30 pairs.
    QList<QByteArray> lines = readAll(path).split('\n');
    lines.erase(lines.begin(), lines.begin() + 30);
    QVERIFY(replaceFile(path, lines.join('\n')));
    QTRY_VERIFY_WITH_TIMEOUT(panel->fileNotice().contains(QStringLiteral("changed on disk")), 10000);
    screenshot(&window, "fault-dataset-changed");
    QCOMPARE(window.dataset()->pairs.size(), pairs); // what is shown is kept until asked
    auto *reload = window.findChild<QPushButton *>(QStringLiteral("reloadDatasetButton"));
    QVERIFY(reload->isVisible());
    QTest::mouseClick(reload, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.dataset()->pairs.size(), pairs - 30, 20000);
    QCOMPARE(panel->fileNotice(), QString());

    // Removed: what is shown stays, and says so; nothing to reload.
    QVERIFY(QFile::remove(path));
    QTRY_VERIFY_WITH_TIMEOUT(panel->fileNotice().contains(QStringLiteral("no longer on disk")), 10000);
    QVERIFY(!reload->isVisible());
    QCOMPARE(window.dataset()->pairs.size(), pairs - 30);
}

void StudioFaultsTest::datasetRemovedWhileLoading_loadedInFullWithNotice()
{
    const QString path = m_dir.filePath(QStringLiteral("big.jsonl"));
    test::SyntheticOptions o;
    o.dim = 1536; // about 15 MB: read in several parts, with progress reported in between
    const int pairs = test::writeSyntheticDataset(path.toStdString(), o);
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    bool removed = false;
    connect(window.loader(), &ui::DatasetLoader::progress, this, [&] {
        if (!removed)
            removed = QFile::remove(path);
    });
    window.openDataset(path, 1536);
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() && QString::fromStdString(window.dataset()->path) == path, 30000);
    QVERIFY(removed);
    QVERIFY(!QFile::exists(path));
    // Read in full through the open file, whether it went half way or at the end.
    QCOMPARE(int(window.dataset()->pairs.size()), pairs);
    const QString notice = window.findChild<ui::DatasetPanel *>()->fileNotice();
    QVERIFY2(notice.contains(QStringLiteral("no longer on disk")), qPrintable(notice));
}

void StudioFaultsTest::reviewFileReplacedOnDisk_bannerThenSaveAsksAndOverwrites()
{
    const QString path = copyOfSample(QStringLiteral("review-replaced.jsonl"));
    auto panel = reviewing(path);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    const LabelDocument &doc = panel->document()->data();
    const int row = panel->currentRow();
    const int mine = doc.row(row).label == 1 ? -1 : 1;
    QTest::keyClick(keys, mine == 1 ? Qt::Key_1 : Qt::Key_2);

    QByteArray theirs = readAll(path);
    theirs.replace("\"similarity\":", "\"similarity\" :"); // another program's edit, same data
    QVERIFY(replaceFile(path, theirs));
    auto *banner = panel->findChild<QFrame *>(QStringLiteral("diskChangedBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY2(panel->findChild<QLabel *>(QStringLiteral("diskChangedText"))
                 ->text()
                 .contains(QStringLiteral("changed by another program")),
             "banner text");
    QVERIFY(panel->hasUnsavedChanges());

    // Save asks: Cancel writes nothing.
    {
        DialogAnswer cancel(QString(), QMessageBox::Cancel);
        QTest::mouseClick(panel->findChild<QToolButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QVERIFY(cancel.answered());
        QVERIFY2(cancel.text().contains(QStringLiteral("Another program changed")), qPrintable(cancel.text()));
    }
    QCOMPARE(readAll(path), theirs);
    QVERIFY(panel->hasUnsavedChanges());
    // Overwrite: ours on disk, theirs kept as .bak.
    {
        DialogAnswer overwrite(QStringLiteral("overwriteButton"), QMessageBox::NoButton, "fault-review-save-conflict");
        QTest::mouseClick(panel->findChild<QToolButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QVERIFY(overwrite.answered());
    }
    QVERIFY(!panel->hasUnsavedChanges());
    QCOMPARE(readAll(path + QStringLiteral(".bak")), theirs);
    QVERIFY(!banner->isVisible());
    LabelDocument reopened;
    reopened.open(path.toStdString(), 32);
    QCOMPARE(reopened.row(row).label, mine);
}

void StudioFaultsTest::reviewFileRewrittenInPlace_reloadCarriesTheEditsOver()
{
    const QString path = copyOfSample(QStringLiteral("review-in-place.jsonl"));
    auto panel = reviewing(path);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    const LabelDocument &doc = panel->document()->data();
    panel->goToRow(4);
    QList<int> mine;
    for (int row : {4, 5}) {
        QCOMPARE(panel->currentRow(), row);
        mine << (doc.row(row).label == 1 ? -1 : 1);
        QTest::keyClick(keys, mine.back() == 1 ? Qt::Key_1 : Qt::Key_2);
    }
    const std::string idA = doc.dataset().items[size_t(doc.row(4).a)].id;

    // An editor saves over it in place, without the first line.
    QList<QByteArray> lines = readAll(path).split('\n');
    lines.removeFirst();
    const QByteArray theirs = lines.join('\n');
    QVERIFY(writeAll(path, theirs));
    auto *banner = panel->findChild<QFrame *>(QStringLiteral("diskChangedBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY(
        panel->findChild<QLabel *>(QStringLiteral("diskChangedText"))->text().contains(QStringLiteral("rewritten")));
    screenshot(panel.get(), "fault-review-rewritten");

    // Save cannot write over it: the dialog offers only the reload.
    {
        DialogAnswer cancel(QString(), QMessageBox::Cancel);
        QTest::keyClick(keys, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(cancel.answered());
        QVERIFY2(cancel.text().contains(QStringLiteral("can no longer be written")), qPrintable(cancel.text()));
    }
    QCOMPARE(readAll(path), theirs);

    QSignalSpy opened(panel.get(), &ui::ReviewPanel::fileOpened);
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("reloadKeepEditsButton")), Qt::LeftButton);
    QVERIFY(opened.wait(20000));
    QVERIFY(!banner->isVisible());
    QVERIFY2(panel->lastMessage().contains(QStringLiteral("2 of your edit(s) carried over")),
             qPrintable(panel->lastMessage()));
    const LabelDocument &now = panel->document()->data();
    QCOMPARE(now.row(3).label, mine[0]); // one line up
    QCOMPARE(now.row(4).label, mine[1]);
    QCOMPARE(now.dataset().items[size_t(now.row(3).a)].id, idA);
    QVERIFY(panel->hasUnsavedChanges());
    panel->activateWindow(); // offscreen, a closed dialog does not hand activation back
    QVERIFY(QTest::qWaitForWindowActive(panel.get()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_S, Qt::ControlModifier);
    QVERIFY2(!panel->hasUnsavedChanges(), qPrintable(panel->lastMessage()));
    const QList<QByteArray> saved = readAll(path).split('\n');
    QCOMPARE(saved.size(), lines.size());
    for (int i = 0; i < saved.size(); ++i)
        if (i != 3 && i != 4)
            QCOMPARE(saved[i], lines[i]); // their version, byte for byte, but for our two labels
}

void StudioFaultsTest::reviewFileChangedWithoutEdits_reloadsByItself()
{
    const QString path = copyOfSample(QStringLiteral("review-follow.jsonl"));
    auto panel = reviewing(path);
    QVERIFY(panel);
    const int rows = panel->document()->data().rowCount();
    QList<QByteArray> lines = readAll(path).split('\n');
    lines.erase(lines.begin(), lines.begin() + 10);
    QVERIFY(replaceFile(path, lines.join('\n')));
    QTRY_COMPARE_WITH_TIMEOUT(panel->document()->data().rowCount(), rows - 10, 10000);
    QVERIFY(!panel->hasUnsavedChanges());
    QVERIFY(!panel->findChild<QFrame *>(QStringLiteral("diskChangedBanner"))->isVisible());
    QVERIFY2(panel->lastMessage().contains(QStringLiteral("changed on disk")), qPrintable(panel->lastMessage()));
}

void StudioFaultsTest::runNotesIntoFullDisk_saysNotSavedAndKeepsTheOldNotes()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 2);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QSignalSpy finished(controller, &ui::TrainingController::finished);
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("trainButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    const QString run = finished.first().first().value<ui::RunOutcome>().runDir;

    window->setPlace(ui::MainWindow::HistoryPlace);
    auto *history = window->findChild<ui::RunHistoryPanel *>();
    QTRY_VERIFY_WITH_TIMEOUT(history->isVisible(), 5000);
    history->refresh();
    history->selectRuns({run});
    auto *notes = window->findChild<QPlainTextEdit *>(QStringLiteral("notesEdit"));
    auto *save = window->findChild<QPushButton *>(QStringLiteral("saveNotesButton"));
    auto *status = window->findChild<QLabel *>(QStringLiteral("notesStatus"));
    QTRY_VERIFY(notes->isEnabled());
    notes->setPlainText(QStringLiteral("kept"));
    QTest::mouseClick(save, Qt::LeftButton);
    QCOMPARE(status->text(), QStringLiteral("Saved"));
    const auto before = test::snapshot(run);

    notes->setPlainText(QString(20000, QLatin1Char('n')));
    {
        test::FileSizeLimit full(4096);
        QTest::mouseClick(save, Qt::LeftButton);
    }
    QVERIFY2(status->text().startsWith(QStringLiteral("Not saved")) &&
                 status->text().contains(QStringLiteral("too large")),
             qPrintable(status->text()));
    QCOMPARE(test::differences(before, test::snapshot(run)), QStringList());
    QCOMPARE(QString::fromStdString(readRunNotes(run.toStdString()).notes), QStringLiteral("kept"));
}

QTEST_MAIN(StudioFaultsTest)
#include "tst_studio_faults.moc"
