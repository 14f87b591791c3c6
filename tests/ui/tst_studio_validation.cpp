// Honest figures in the studio (issue 10): the Train form's validation and regularisation
// controls, a cross-validated run from the form (folds in the chart, one History entry), a test
// file chosen in the dialog, and a failed run shown red, never green.
#include "core/training/quality.h"
#include "tests/testsupport.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/history/runhistorypanel.h"
#include "ui/history/runtablemodel.h"
#include "ui/losschart.h"
#include "ui/mainwindow.h"
#include "ui/trainingworker.h"
#include "ui/trainpanel.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>

#include <memory>

using namespace ranker;

namespace {

/// Answers the next file dialog with `path`, as a person picking the file would: types it and
/// presses Return, again until the dialog has gone. The dialog may be slow to appear (a sanitizer
/// build on shared cores took over a second), so it is looked for until it has been seen and
/// closed, for at most a minute; a dialog still open then is rejected so the test fails, not hangs.
void answerFileDialog(const QString &path)
{
    auto *timer = new QTimer(qApp);
    auto clock = std::make_shared<QElapsedTimer>();
    auto seen = std::make_shared<bool>(false);
    clock->start();
    QObject::connect(timer, &QTimer::timeout, timer, [timer, path, clock, seen] {
        QFileDialog *dialog = nullptr;
        for (QWidget *w : QApplication::topLevelWidgets())
            if (auto *d = qobject_cast<QFileDialog *>(w); d && d->isVisible())
                dialog = d;
        if (dialog && clock->elapsed() > 60000) {
            dialog->reject();
            dialog = nullptr;
        }
        if (dialog) {
            *seen = true;
            if (auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"))) {
                name->setFocus();
                name->clear();
                QTest::keyClicks(name, path);
                // The completer's list may have opened over the field: Return would go to it.
                if (name->completer() && name->completer()->popup()->isVisible())
                    name->completer()->popup()->hide();
                QTest::keyClick(name, Qt::Key_Return);
            }
        } else if (*seen || clock->elapsed() > 60000) {
            timer->deleteLater();
            timer->stop();
        }
    });
    timer->start(250);
}

/// The text of `column` in the History row of `folder`.
QString historyCell(ui::MainWindow &window, const QString &folder, int column)
{
    auto *view = window.findChild<QTableView *>(QStringLiteral("runTable"));
    if (!view)
        return QStringLiteral("<no runTable>");
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex index = view->model()->index(row, column);
        if (QDir::cleanPath(index.data(ui::RunTableModel::FolderRole).toString()) == QDir::cleanPath(folder))
            return index.data().toString();
    }
    return QStringLiteral("<no row>");
}

} // namespace

class StudioValidationTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
    }
    void init() { test::resetStudioSettings(workspace()); }

    void form_validationAndRegularisationControls();
    void crossValidation_fromTheForm_foldsInTheChartOneHistoryEntry();
    void testFile_chosenInTheDialog_isEvaluatedAndItsLeakReported();
    void failedRun_isShownRedNeverGreen();

private:
    QTemporaryDir m_dir;
    /// A workspace of its own per test: each counts its runs in History.
    QString workspace() const
    {
        return m_dir.filePath(QStringLiteral("workspace-") + QString::fromLatin1(QTest::currentTestFunction()));
    }

    /// Trains with the form as it is and returns the outcome (an invalid one when it failed).
    static ui::RunOutcome train(ui::MainWindow &window)
    {
        auto *controller = window.findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
        QSignalSpy finished(controller, &ui::TrainingController::finished);
        QSignalSpy failed(controller, &ui::TrainingController::failed);
        QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("trainButton")), Qt::LeftButton);
        if (!QTest::qWaitFor([&] { return finished.size() + failed.size() > 0; }, 180000) || failed.size() > 0) {
            qWarning("training failed: %s",
                     failed.isEmpty() ? "timed out" : qPrintable(failed.first().first().toString()));
            return {};
        }
        return finished.first().first().value<ui::RunOutcome>();
    }
};

void StudioValidationTest::form_validationAndRegularisationControls()
{
    auto window = test::windowWithSample(test::Form::Defaults);
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    auto *valBy = window->findChild<QComboBox *>(QStringLiteral("valByCombo"));
    QCOMPARE(valBy->currentData().toString(), QStringLiteral("items"));
    QVERIFY(valBy->itemText(1).contains(QLatin1String("optimistic")));
    auto *folds = window->findChild<QSpinBox *>(QStringLiteral("cvFoldsSpin"));
    QCOMPARE(folds->text(), QStringLiteral("Off"));
    QVERIFY(window->findChild<QCheckBox *>(QStringLiteral("refitCheck"))->isChecked()); // measured: the default
    QCOMPARE(window->findChild<QDoubleSpinBox *>(QStringLiteral("dropoutSpin"))->value(), 0.2);
    QCOMPARE(window->findChild<QDoubleSpinBox *>(QStringLiteral("weightDecaySpin"))->value(), 0.0);
    QCOMPARE(window->findChild<QSpinBox *>(QStringLiteral("patienceSpin"))->value(), 5);
    QCOMPARE(window->findChild<QLabel *>(QStringLiteral("testFileLabel"))->text(), QStringLiteral("None"));
    for (const char *name : {"valByCombo", "cvFoldsSpin", "refitCheck", "dropoutSpin", "weightDecaySpin",
                             "patienceSpin", "testFileButton"})
        QVERIFY2(!window->findChild<QWidget *>(QString::fromLatin1(name))->toolTip().isEmpty(), name);

    // The sample has 80 items: at the default 0.3, 24 held out give 30 validation pairs (the note
    // gives their ±); a fifth of them gives fewer than 30, and the note says what to do.
    auto *note = window->findChild<QLabel *>(QStringLiteral("validationNote"));
    QVERIFY2(note->text().contains(QLatin1String("30 validation pairs")), qPrintable(note->text()));
    window->findChild<QDoubleSpinBox *>(QStringLiteral("valSplitSpin"))->setValue(0.2);
    QVERIFY2(note->text().contains(QLatin1String("Cross-validation")), qPrintable(note->text()));
    QVERIFY2(note->text().contains(QStringLiteral("±")), qPrintable(note->text()));
    // Pairs: the note warns that the figure reads high.
    valBy->setCurrentIndex(1);
    QVERIFY2(note->text().contains(QLatin1String("too high")), qPrintable(note->text()));
    valBy->setCurrentIndex(0);
    // Cross-validation: the note counts the folds' validation pairs; refit and split are its own.
    test::setSpin(folds, 5);
    QVERIFY2(note->text().contains(QLatin1String("5 folds")), qPrintable(note->text()));
    QVERIFY(!window->findChild<QCheckBox *>(QStringLiteral("refitCheck"))->isEnabled());
    QVERIFY(!window->findChild<QDoubleSpinBox *>(QStringLiteral("valSplitSpin"))->isEnabled());
    // The form's values are the engine's configuration.
    const TrainConfig c = window->findChild<ui::TrainPanel *>()->config();
    QCOMPARE(c.cvFolds, 5);
    QCOMPARE(int(c.valBy), int(ValidationBy::Items));
    QCOMPARE(c.dropout, 0.2);
}

void StudioValidationTest::crossValidation_fromTheForm_foldsInTheChartOneHistoryEntry()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("cvFoldsSpin")), 3);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 4);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QSignalSpy phases(controller, &ui::TrainingController::phaseStarted);
    QSignalSpy epochs(controller, &ui::TrainingController::epochReported);
    const ui::RunOutcome outcome = train(*window);
    QVERIFY(!outcome.runDir.isEmpty());
    // Three folds, then the refit.
    QCOMPARE(phases.size(), 4);
    QCOMPARE(phases.at(0).first().value<PhaseReport>().fold, 1);
    QCOMPARE(int(phases.at(3).first().value<PhaseReport>().kind), int(PhaseReport::Refit));
    QVERIFY(epochs.size() >= 12);
    // The chart keeps each fold's validation curve, faint, under the refit's train loss.
    auto *chart = window->findChild<ui::LossChart *>(QStringLiteral("lossChart"));
    QCOMPARE(chart->earlierRuns().size(), 3);
    for (QLineSeries *fold : chart->earlierRuns())
        QCOMPARE(fold->count(), 4);
    QVERIFY(chart->trainLoss()->count() >= 1);
    QCOMPARE(chart->valLoss()->count(), 0); // the refit has no validation
    QVERIFY(chart->trainLoss()->name().contains(QLatin1String("Refit")));

    const nlohmann::json &m = outcome.metadata;
    QCOMPARE(m["cv"]["finished"].get<int>(), 3);
    auto *results = window->findChild<QLabel *>(QStringLiteral("resultFigures"));
    QVERIFY2(results->text().contains(QLatin1String("Cross-validation")), qPrintable(results->text()));
    QVERIFY(results->text().contains(QLatin1String("fold 3")));
    QVERIFY(results->text().contains(QLatin1String("Refit")));
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("verdictLabel"))->isVisible());

    // History: one entry, shown by its cross-validation figure.
    window->setPlace(ui::MainWindow::HistoryPlace);
    auto *history = window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"));
    QTRY_COMPARE(history->runCount(), 1);
    const QString quality = historyCell(*window, outcome.runDir, ui::RunTableModel::Quality);
    QVERIFY2(quality.endsWith(QLatin1String("% CV")), qPrintable(quality));
    QCOMPARE(quality, QString::fromStdString(headlineQuality(m).shortLabel));
}

void StudioValidationTest::testFile_chosenInTheDialog_isEvaluatedAndItsLeakReported()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 3);
    // The sample itself as the "test file": every one of its items was trained on (or held out).
    const QString sample = QString::fromStdString(window->dataset()->path);
    answerFileDialog(sample);
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("testFileButton")), Qt::LeftButton);
    QTRY_COMPARE(window->findChild<QLabel *>(QStringLiteral("testFileLabel"))->text(), QFileInfo(sample).fileName());
    const ui::RunOutcome outcome = train(*window);
    QVERIFY(!outcome.runDir.isEmpty());
    const nlohmann::json &test = outcome.metadata["test"];
    QVERIFY(test.is_object());
    QVERIFY(test["items_seen_in_training"].get<int>() > 0);
    auto *results = window->findChild<QLabel *>(QStringLiteral("resultFigures"));
    QVERIFY2(results->text().contains(QLatin1String("Test file")), qPrintable(results->text()));
    QVERIFY(results->text().contains(QLatin1String("were in the training data")));
    const Verdict verdict = judgeRun(outcome.metadata);
    QVERIFY(verdict.level != VerdictLevel::Good);
    QVERIFY(
        window->findChild<QLabel *>(QStringLiteral("verdictLabel"))->text().contains(QLatin1String("training data")));
    // History shows the test figure in its own column.
    window->setPlace(ui::MainWindow::HistoryPlace);
    QTRY_COMPARE(window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"))->runCount(), 1);
    QCOMPARE(historyCell(*window, outcome.runDir, ui::RunTableModel::TestAccuracy),
             QString::fromStdString(formatPercent(test["evaluation"]["overall"]["accuracy"].get<double>())));
    // The file stays chosen for the next run until cleared.
    window->setPlace(ui::MainWindow::TrainPlace);
    QTest::mouseClick(window->findChild<QWidget *>(QStringLiteral("clearTestFileButton")), Qt::LeftButton);
    QCOMPARE(window->findChild<QLabel *>(QStringLiteral("testFileLabel"))->text(), QStringLiteral("None"));
}

void StudioValidationTest::failedRun_isShownRedNeverGreen()
{
    // Labels that ignore the items: nothing to learn, the held-out accuracy stays at chance.
    test::WorldOptions world;
    world.randomLabels = true;
    const QString noise = m_dir.filePath(QStringLiteral("noise.jsonl"));
    test::writeWorldDataset(noise.toStdString(), world);
    auto window = std::make_unique<ui::MainWindow>();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    window->openDataset(noise, 8);
    QTRY_VERIFY_WITH_TIMEOUT(window->dataset() && window->dataset()->path == noise.toStdString(), 20000);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 15);
    const ui::RunOutcome outcome = train(*window);
    QVERIFY(!outcome.runDir.isEmpty());
    QCOMPARE(outcome.end, RunEnd::Completed);
    auto *verdict = window->findChild<QLabel *>(QStringLiteral("verdictLabel"));
    QVERIFY2(verdict->text().contains(QLatin1String("Failed")), qPrintable(verdict->text()));
    QVERIFY(verdict->text().contains(QLatin1String("not above chance")));
    QVERIFY(verdict->styleSheet().contains(QLatin1String("#b3261e")));
    auto *status = window->findChild<QLabel *>(QStringLiteral("trainStatus"));
    QVERIFY(status->text().startsWith(QLatin1String("Completed")));
    QVERIFY2(!status->styleSheet().contains(QLatin1String("#1e7b34")), qPrintable(status->styleSheet()));
    QVERIFY(status->styleSheet().contains(QLatin1String("#b3261e")));
    window->setPlace(ui::MainWindow::HistoryPlace);
    QTRY_COMPARE(window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"))->runCount(), 1);
    QCOMPARE(historyCell(*window, outcome.runDir, ui::RunTableModel::VerdictColumn), QStringLiteral("✖ failed"));
}

QTEST_MAIN(StudioValidationTest)
#include "tst_studio_validation.moc"
