// The Train place: the form, a live run to the end, Stop, and what the run leaves behind.
#include "core/dataset.h"
#include "core/model.h"
#include "core/trainer.h"
#include "core/version.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/history/runhistorypanel.h"
#include "ui/history/runtablemodel.h"
#include "ui/losschart.h"
#include "ui/mainwindow.h"
#include "ui/settings.h"
#include "ui/trainingworker.h"
#include "ui/trainpanel.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <cmath>

#include <nlohmann/json.hpp>

using namespace ranker;

class TrainPanelTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void form_showsSeedDefaults();
    void restoreDefaults_resetsEveryField();
    void device_cudaDisabledWithReasonWithoutCuda();
    void form_lastValuesRemembered();
    void train3Epochs_chartRunFolderAndMetadata();
    void stopDuringLongRun_endsCancelled();
    void embeddingDimChanged_trainWaitsForReload();
    void aboutText_namesVersionsAndCuda();
    void epochAxis_integerTicksOnEveryEpochCount();
    void trainAgain_loadsTheRunsDatasetAndKeepsMachineSettings();
    void continueTraining_chartAndCountsFollowTheParent();

private:
    QTemporaryDir m_dir;
    QString workspace() const { return m_dir.filePath(QStringLiteral("workspace")); }
};

void TrainPanelTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
}

void TrainPanelTest::init()
{
    test::resetStudioSettings(workspace());
}

void TrainPanelTest::form_showsSeedDefaults()
{
    ui::MainWindow window;
    const TrainConfig defaults;
    QCOMPARE(window.findChild<QLineEdit *>(QStringLiteral("nameEdit"))->text(), QStringLiteral("pairwise_ranker"));
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("hiddenDimSpin"))->value(), 256);
    QCOMPARE(window.findChild<QDoubleSpinBox *>(QStringLiteral("learningRateSpin"))->value(), 0.001);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("batchSizeSpin"))->value(), 32);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->value(), 50);
    QCOMPARE(window.findChild<QDoubleSpinBox *>(QStringLiteral("marginSpin"))->value(), 1.0);
    QCOMPARE(window.findChild<QDoubleSpinBox *>(QStringLiteral("valSplitSpin"))->value(), 0.3);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("patienceSpin"))->value(), 5);
    QVERIFY(window.findChild<QCheckBox *>(QStringLiteral("refitCheck"))->isChecked());
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("seedSpin"))->value(), int(defaults.seed));
    QCOMPARE(window.findChild<QComboBox *>(QStringLiteral("tiesCombo"))->currentData().toString(),
             QStringLiteral("hinge"));
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("threadsSpin"))->value(), 0);
    // Every field says what it is.
    for (const char *name :
         {"nameEdit", "embeddingDimSpin", "hiddenDimSpin", "learningRateSpin", "batchSizeSpin", "epochsSpin",
          "marginSpin", "valSplitSpin", "seedSpin", "tiesCombo", "keepCombo", "threadsSpin", "deviceCombo"})
        QVERIFY2(!window.findChild<QWidget *>(QLatin1String(name))->toolTip().isEmpty(), name);
    // Range checks: the spin boxes refuse what the engine refuses.
    auto *epochs = window.findChild<QSpinBox *>(QStringLiteral("epochsSpin"));
    QCOMPARE(epochs->minimum(), 1);
    QVERIFY(window.findChild<QDoubleSpinBox *>(QStringLiteral("valSplitSpin"))->maximum() < 1.0);
    QVERIFY(window.findChild<QDoubleSpinBox *>(QStringLiteral("learningRateSpin"))->minimum() > 0.0);
    // No dataset: nothing to train.
    QVERIFY(!window.findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled());
}

void TrainPanelTest::restoreDefaults_resetsEveryField()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window.findChild<QSpinBox *>(QStringLiteral("hiddenDimSpin")), 64);
    test::setSpin(window.findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 7);
    window.findChild<QComboBox *>(QStringLiteral("tiesCombo"))->setCurrentIndex(1);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("hiddenDimSpin"))->value(), 64);
    QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("restoreDefaultsButton")), Qt::LeftButton);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("hiddenDimSpin"))->value(), 256);
    QCOMPARE(window.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->value(), 50);
    QCOMPARE(window.findChild<QComboBox *>(QStringLiteral("tiesCombo"))->currentIndex(), 0);
}

void TrainPanelTest::device_cudaDisabledWithReasonWithoutCuda()
{
    ui::MainWindow window;
    auto *device = window.findChild<QComboBox *>(QStringLiteral("deviceCombo"));
    QCOMPARE(device->count(), 3);
    QCOMPARE(device->currentData().toString(), QStringLiteral("auto"));
    const DeviceInfo info = deviceInfo();
    const bool cudaSelectable = device->model()->flags(device->model()->index(2, 0)) & Qt::ItemIsEnabled;
    QCOMPARE(cudaSelectable, info.cudaAvailable);
    if (!info.cudaAvailable) {
        const QString note = window.findChild<QLabel *>(QStringLiteral("deviceNote"))->text();
        QVERIFY(note.contains(QLatin1String("CUDA unavailable")));
        QVERIFY(note.contains(QString::fromStdString(info.cudaUnavailableReason).toHtmlEscaped()));
    }
}

void TrainPanelTest::form_lastValuesRemembered()
{
    {
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setPlace(ui::MainWindow::TrainPlace);
        test::setSpin(window.findChild<QSpinBox *>(QStringLiteral("batchSizeSpin")), 16);
        test::setSpin(window.findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 7);
        window.close(); // saves the form
    }
    ui::MainWindow again;
    QCOMPARE(again.findChild<QSpinBox *>(QStringLiteral("batchSizeSpin"))->value(), 16);
    QCOMPARE(again.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->value(), 7);
    QCOMPARE(again.settings()->train.epochs, 7);
}

void TrainPanelTest::train3Epochs_chartRunFolderAndMetadata()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 3);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QVERIFY(controller);
    QSignalSpy finished(controller, &ui::TrainingController::finished);
    QSignalSpy epochs(controller, &ui::TrainingController::epochReported);
    QSignalSpy failed(controller, &ui::TrainingController::failed);
    auto *train = window->findChild<QPushButton *>(QStringLiteral("trainButton"));
    QVERIFY(train->isEnabled());
    QTest::mouseClick(train, Qt::LeftButton);
    QVERIFY(!train->isEnabled()); // one run at a time
    QVERIFY(window->findChild<QPushButton *>(QStringLiteral("stopButton"))->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 120000);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(epochs.size(), 3);

    const auto outcome = finished.first().first().value<ui::RunOutcome>();
    QCOMPARE(outcome.end, RunEnd::Completed);
    QCOMPARE(outcome.epochsCompleted, 3);

    auto *chart = window->findChild<ui::LossChart *>(QStringLiteral("lossChart"));
    QVERIFY(chart);
    QCOMPARE(chart->trainLoss()->count(), 3);
    QCOMPARE(chart->valLoss()->count(), 3);
    QCOMPARE(chart->valAccuracy()->count(), 3);
    QVERIFY(chart->runningLoss()->count() >= 3);
    QCOMPARE(chart->trainLoss()->at(2).x(), 3.0);

    // The run folder is in WORKSPACE/runs, with the three files.
    QVERIFY(outcome.runDir.startsWith(workspace() + QStringLiteral("/runs/")));
    for (const QString &name : {QStringLiteral("pairwise_ranker.pth"), QStringLiteral("pairwise_ranker.onnx"),
                                QStringLiteral("pairwise_ranker_metadata.json")})
        QVERIFY2(QFileInfo(outcome.runDir + QLatin1Char('/') + name).size() > 0, qPrintable(name));
    const nlohmann::json metadata = test::readJson(outcome.metadataPath);
    QCOMPARE(metadata.value("epochs", 0), 3);
    QCOMPARE(metadata.value("epochs_completed", 0), 3);
    QCOMPARE(metadata.value("ended", std::string()), std::string("completed"));
    QCOMPARE(metadata["loss_history"].size(), size_t(3));
    QCOMPARE(metadata.value("embedding_dim", 0), 32);

    // Results: the folder and figures are shown; Copy ONNX path puts it on the clipboard.
    QVERIFY(
        window->findChild<QLabel *>(QStringLiteral("runFolderLabel"))->text().contains(outcome.runDir.toHtmlEscaped()));
    auto *copy = window->findChild<QPushButton *>(QStringLiteral("copyOnnxButton"));
    QVERIFY(copy->isEnabled());
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), outcome.onnxPath);
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("trainStatus"))->text().startsWith(QLatin1String("Completed")));
    QVERIFY(train->isEnabled());

    // History lists it.
    window->setPlace(ui::MainWindow::HistoryPlace);
    QCOMPARE(window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"))->runCount(), 1);
}

void TrainPanelTest::stopDuringLongRun_endsCancelled()
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

    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("stopButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    qInfo("Stop → finished (export included) in %lld ms", clock.elapsed());

    const auto outcome = finished.first().first().value<ui::RunOutcome>();
    QCOMPARE(outcome.end, RunEnd::Cancelled);
    QVERIFY(outcome.epochsCompleted >= 2);
    QVERIFY(outcome.epochsCompleted < 100000);
    QVERIFY(outcome.epochsCompleted < 100000);
    const nlohmann::json metadata = test::readJson(outcome.metadataPath);
    QCOMPARE(metadata.value("ended", std::string()), std::string("cancelled"));
    QVERIFY(QFileInfo::exists(outcome.onnxPath));
    QVERIFY(QFileInfo::exists(outcome.pthPath));
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("trainStatus"))->text().contains(QLatin1String("cancelled")));
}

void TrainPanelTest::embeddingDimChanged_trainWaitsForReload()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    auto *dim = window->findChild<QSpinBox *>(QStringLiteral("embeddingDimSpin"));
    auto *train = window->findChild<QPushButton *>(QStringLiteral("trainButton"));
    auto *reload = window->findChild<QPushButton *>(QStringLiteral("reloadWithDimButton"));
    QVERIFY(!reload->isVisible());
    test::setSpin(dim, 16);
    QVERIFY(!train->isEnabled());
    QVERIFY(reload->isVisible());
    // Read with D = 16, every 32-value embedding is a bad line: the file is refused, the dataset stays.
    QSignalSpy failed(window->loader(), &ui::DatasetLoader::failed);
    QTest::mouseClick(reload, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 20000);
    QCOMPARE(window->dataset()->embeddingDim, 32);
    test::setSpin(dim, 32);
    window->setPlace(ui::MainWindow::TrainPlace);
    QVERIFY(train->isEnabled());
}

void TrainPanelTest::aboutText_namesVersionsAndCuda()
{
    const QString text = ui::MainWindow::aboutText();
    QVERIFY(text.contains(QString::fromLatin1(qVersion())));
    QVERIFY(text.contains(QStringLiteral(RANKER_VERSION)));
    QVERIFY(text.contains(QString::fromStdString(deviceInfo().libtorchVersion)));
    // Which LibTorch library is in use, as a path that exists.
    QVERIFY(!deviceInfo().libtorchPath.empty());
    QVERIFY(QFileInfo::exists(QString::fromStdString(deviceInfo().libtorchPath)));
    QVERIFY(text.contains(QString::fromStdString(deviceInfo().libtorchPath)));
    QVERIFY(text.contains(QLatin1String("CUDA")));
}

void TrainPanelTest::epochAxis_integerTicksOnEveryEpochCount()
{
    // Ticks on whole epochs at any count (15 epochs once gave ticks 1.5 epochs apart), every
    // epoch's point on the axis, and a resumed run's range starting where its parent stopped.
    ui::LossChart chart;
    auto *axis = qobject_cast<QValueAxis *>(chart.chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(axis);
    struct Case
    {
        int first, last, step;
    };
    for (const Case c : {Case{1, 7, 1}, Case{1, 15, 2}, Case{1, 50, 5}, Case{21, 30, 1}, Case{1, 10, 1}, Case{1, 11, 2},
                         Case{1, 300, 50}}) {
        chart.reset(c.first, c.last);
        const QString what = QStringLiteral("epochs %1-%2").arg(c.first).arg(c.last);
        QCOMPARE(axis->tickType(), QValueAxis::TicksDynamic);
        QVERIFY2(axis->tickInterval() == c.step, qPrintable(what));
        QCOMPARE(axis->tickAnchor(), 0.0);
        QCOMPARE(axis->max(), double(c.last));
        QVERIFY2(axis->min() <= c.first - 1 && axis->min() > c.first - 1 - c.step, qPrintable(what));
        QVERIFY2(std::fmod(axis->min(), c.step) == 0, qPrintable(what));   // a tick at the left end
        QVERIFY2((c.last - axis->min()) / c.step <= 10, qPrintable(what)); // at most 10 steps + 1 ticks
        QCOMPARE(axis->labelFormat(), QStringLiteral("%d"));
    }
}

void TrainPanelTest::trainAgain_loadsTheRunsDatasetAndKeepsMachineSettings()
{
    // Train again from History with another dataset open: the run's own dataset is read and the
    // Train place says so; the form's threads (this machine's) are not replaced by the run's.
    auto window = test::windowWithSample();
    QVERIFY(window);
    const QString sample = QString::fromStdString(window->dataset()->path);
    QVERIFY(QDir().mkpath(workspace()));
    const QString trained = workspace() + QStringLiteral("/trained.jsonl");
    const QString other = workspace() + QStringLiteral("/other.jsonl");
    for (const QString &copy : {trained, other}) {
        QFile::remove(copy);
        QVERIFY(QFile::copy(sample, copy));
    }
    auto isOpen = [&window](const QString &path) {
        return window->dataset() && QFileInfo(QString::fromStdString(window->dataset()->path)).absoluteFilePath() ==
                                        QFileInfo(path).absoluteFilePath();
    };
    window->openDataset(trained);
    QTRY_VERIFY_WITH_TIMEOUT(isOpen(trained), 20000);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 2);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("threadsSpin")), 2);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QSignalSpy finished(controller, &ui::TrainingController::finished);
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("trainButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 120000);
    const QString runDir = finished.first().first().value<ui::RunOutcome>().runDir;

    window->openDataset(other);
    QTRY_VERIFY_WITH_TIMEOUT(isOpen(other), 20000);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 7);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("threadsSpin")), 1);

    window->setPlace(ui::MainWindow::HistoryPlace);
    auto *history = window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"));
    QTRY_VERIFY(history->runCount() >= 1);
    history->selectRuns({runDir});
    QTest::mouseClick(history->findChild<QPushButton *>(QStringLiteral("trainAgainButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(isOpen(trained), 20000);
    auto *places = window->findChild<QTabWidget *>(QStringLiteral("places"));
    QTRY_COMPARE(places->currentIndex(), int(ui::MainWindow::TrainPlace));
    auto *status = window->findChild<QLabel *>(QStringLiteral("trainStatus"));
    QVERIFY2(status->text().contains(QLatin1String("Loaded the run's dataset, trained.jsonl")),
             qPrintable(status->text()));
    QCOMPARE(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->value(), 2);  // the run's
    QCOMPARE(window->findChild<QSpinBox *>(QStringLiteral("threadsSpin"))->value(), 1); // the machine's

    // The run's file gone: the open dataset stays, and the Train place says it is the one used.
    window->openDataset(other);
    QTRY_VERIFY_WITH_TIMEOUT(isOpen(other), 20000);
    QVERIFY(QFile::remove(trained));
    window->setPlace(ui::MainWindow::HistoryPlace);
    history->selectRuns({runDir});
    QTest::mouseClick(history->findChild<QPushButton *>(QStringLiteral("trainAgainButton")), Qt::LeftButton);
    QCOMPARE(places->currentIndex(), int(ui::MainWindow::TrainPlace));
    QVERIFY2(status->text().contains(QLatin1String("no longer on disk")) &&
                 status->text().contains(QLatin1String("other.jsonl")),
             qPrintable(status->text()));
    QTest::qWait(200);
    QVERIFY(isOpen(other));
}

void TrainPanelTest::continueTraining_chartAndCountsFollowTheParent()
{
    // History → a 3-epoch run → Continue training → 2 epochs → Train: the chart draws the parent's
    // epochs 1-3 faint and the new 4-5, the axis runs 0-5, every count says epochs 4-5 of 5, and
    // History links the new run to its parent with "5 / 5".
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 3);
    auto *controller = window->findChild<ui::TrainingController *>(QStringLiteral("trainingController"));
    QSignalSpy finished(controller, &ui::TrainingController::finished);
    auto *train = window->findChild<QPushButton *>(QStringLiteral("trainButton"));
    QTest::mouseClick(train, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 120000);
    const QString parentDir = finished.first().first().value<ui::RunOutcome>().runDir;

    window->setPlace(ui::MainWindow::HistoryPlace);
    auto *history = window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"));
    QTRY_VERIFY(history->runCount() >= 1);
    history->selectRuns({parentDir});
    QTest::mouseClick(history->findChild<QPushButton *>(QStringLiteral("continueButton")), Qt::LeftButton);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 2);
    QTest::mouseClick(train, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 120000);
    const auto outcome = finished.at(1).first().value<ui::RunOutcome>();
    QCOMPARE(outcome.epochsCompleted, 5);

    auto *chart = window->findChild<ui::LossChart *>(QStringLiteral("lossChart"));
    QCOMPARE(chart->trainLoss()->count(), 2);
    QCOMPARE(chart->trainLoss()->at(0).x(), 4.0);
    QCOMPARE(chart->trainLoss()->at(1).x(), 5.0);
    QLineSeries *parentTrain = nullptr;
    for (QLineSeries *s : chart->earlierRuns())
        if (s->objectName() == QLatin1String("parentRunSeries") && s->name().contains(QLatin1String("train")))
            parentTrain = s;
    QVERIFY(parentTrain);
    QCOMPARE(parentTrain->count(), 3);
    QCOMPARE(parentTrain->at(0).x(), 1.0);
    QCOMPARE(parentTrain->at(2).x(), 3.0);
    auto *axis = qobject_cast<QValueAxis *>(chart->chart()->axes(Qt::Horizontal).value(0));
    QCOMPARE(axis->min(), 0.0);
    QCOMPARE(axis->max(), 5.0);
    const QString status = window->findChild<QLabel *>(QStringLiteral("trainStatus"))->text();
    QVERIFY2(status.contains(QStringLiteral("epochs 4–5 (2 more")), qPrintable(status));
    QCOMPARE(window->findChild<QLabel *>(QStringLiteral("epochLabel"))->text(), QStringLiteral("Epoch 5 of 5"));

    window->setPlace(ui::MainWindow::HistoryPlace);
    QTRY_VERIFY(history->runCount() >= 2);
    auto *view = history->findChild<QTableView *>(QStringLiteral("runTable"));
    bool found = false;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex index = view->model()->index(row, 0);
        if (QDir::cleanPath(index.data(ui::RunTableModel::FolderRole).toString()) != QDir::cleanPath(outcome.runDir))
            continue;
        found = true;
        QCOMPARE(view->model()->index(row, ui::RunTableModel::Epochs).data().toString(), QStringLiteral("5 / 5"));
        QVERIFY2(view->model()
                     ->index(row, ui::RunTableModel::Group)
                     .data()
                     .toString()
                     .startsWith(QLatin1String("continues")),
                 qPrintable(view->model()->index(row, ui::RunTableModel::Group).data().toString()));
    }
    QVERIFY(found);
}

QTEST_MAIN(TrainPanelTest)
#include "tst_studio_training.moc"
