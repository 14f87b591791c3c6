// The History panel on a workspace of real runs: written by ranker-train and by the engine's
// pipeline, offscreen, driven through its widgets.

#include "../testsupport.h"

#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/evaluate.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/run_history.h"
#include "ui/history/comparisonmodel.h"
#include "ui/history/runevaluateview.h"
#include "ui/history/runhistorypanel.h"
#include "ui/history/runtablemodel.h"
#include "ui/numberformat.h"

#include <QAbstractButton>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <filesystem>

using namespace ranker;
using ranker::ui::RunHistoryPanel;
using ranker::ui::RunTableModel;

namespace {

QLineSeries *seriesNamed(QChartView *view, const QString &name)
{
    // The best of the compared runs is named with a "★ " before it.
    for (QAbstractSeries *s : view->chart()->series())
        if (s->name() == name || s->name() == QStringLiteral("★ ") + name)
            return qobject_cast<QLineSeries *>(s);
    return nullptr;
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

/// The text of column `column` in the table row of the run in `folder`, or a null string.
QString cellOf(QTableView *table, const QString &folder, int column)
{
    QAbstractItemModel *model = table->model();
    for (int r = 0; r < model->rowCount(); ++r)
        if (QDir::cleanPath(model->index(r, 0).data(RunTableModel::FolderRole).toString()) == QDir::cleanPath(folder))
            return model->index(r, column).data().toString();
    return QString();
}

class NullObserver final : public PipelineObserver
{
};

} // namespace

class HistoryPanelTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void workspace_listsCliAndEngineRuns_withTheirValues();
    void runWrittenWhileOpen_appears();
    void corruptMetadata_showsBrokenWithReason();
    void compareTwoRuns_twoSeriesPerCurve_marksDifferences();
    void smoothing_changesTheCurves();
    void exportCsv_roundTripsThroughReader();
    void notesAndRename_goToSidecarOnly();
    void browsing_writesNothingIntoRuns();
    void trainAgainAndContinue_emitConfiguration();
    void delete_asksAndRemovesOnlyThatRun();
    void evaluate_matchesEngine();
    void rankItems_scoresEveryItemBestFirst();

private:
    QString trainWithCli(const QString &output, const QStringList &extra);
    QString trainWithEngine(const QString &name, double learningRate);
    QTableView *table() const { return m_panel->findChild<QTableView *>(QStringLiteral("runTable")); }

    QTemporaryDir m_dir;
    QString m_workspace, m_runs, m_data, m_extra;
    QString m_cliA, m_cliB, m_engine;
    std::unique_ptr<RunHistoryPanel> m_panel;
};

QString HistoryPanelTest::trainWithCli(const QString &output, const QStringList &extra)
{
    return test::trainSmallRunWithCli(m_data, output, 4, extra);
}

QString HistoryPanelTest::trainWithEngine(const QString &name, double learningRate)
{
    PipelineRequest request;
    request.input = m_data.toStdString();
    request.outputDir = newRunFolder(m_workspace.toStdString(), name.toStdString());
    request.train.name = name.toStdString();
    request.train.embeddingDim = 4;
    request.train.hiddenDim = 8;
    request.train.epochs = 3;
    request.train.learningRate = learningRate;
    request.train.threads = 1;
    NullObserver observer;
    runPipeline(request, observer);
    return QString::fromStdString(request.outputDir);
}

void HistoryPanelTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    m_workspace = m_dir.filePath(QStringLiteral("workspace"));
    m_runs = m_workspace + QStringLiteral("/runs");
    QVERIFY(QDir().mkpath(m_runs));
    m_data = m_dir.filePath(QStringLiteral("pairs.jsonl"));
    test::SyntheticOptions options;
    options.pairs = 300;
    options.items = 45;
    options.dim = 4;
    options.tieShare = 0.1;
    QCOMPARE(test::writeSyntheticDataset(m_data.toStdString(), options), 300);
    // Two runs by the CLI in the workspace (different learning rates), one by the CLI elsewhere
    // (a --output folder the user adds), one by the engine's pipeline as the studio writes it.
    m_cliA =
        trainWithCli(m_runs + QStringLiteral("/cli-a"), {QStringLiteral("--learning-rate"), QStringLiteral("0.01")});
    m_cliB =
        trainWithCli(m_runs + QStringLiteral("/cli-b"), {QStringLiteral("--learning-rate"), QStringLiteral("0.001")});
    m_extra = trainWithCli(
        m_dir.filePath(QStringLiteral("elsewhere/out")),
        {QStringLiteral("--name"), QStringLiteral("outside"), QStringLiteral("--batch-size"), QStringLiteral("16")});
    m_engine = trainWithEngine(QStringLiteral("engine"), 0.005);
    for (const QString &folder : {m_cliA, m_cliB, m_extra, m_engine})
        QVERIFY2(!readRunSummary(folder.toStdString()).broken, qPrintable(folder));
}

void HistoryPanelTest::init()
{
    m_panel = std::make_unique<RunHistoryPanel>(m_runs);
    m_panel->resize(1300, 900);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void HistoryPanelTest::cleanup()
{
    m_panel.reset();
}

void HistoryPanelTest::workspace_listsCliAndEngineRuns_withTheirValues()
{
    QCOMPARE(m_panel->runCount(), 3);
    m_panel->addFolder(m_extra);
    QCOMPARE(m_panel->runCount(), 4);
    QVERIFY(m_panel->extraFolders().contains(QDir::cleanPath(m_extra)));
    {
        // The added folder is remembered by the settings.
        RunHistoryPanel again(m_runs);
        QCOMPARE(again.runCount(), 4);
    }
    QTableView *view = table();
    for (const QString &folder : {m_cliA, m_cliB, m_extra, m_engine}) {
        const RunInfo info = readRun(folder.toStdString());
        const nlohmann::json &m = info.metadata;
        QCOMPARE(cellOf(view, folder, RunTableModel::Name), QString::fromStdString(m["model_name"].get<std::string>()));
        QCOMPARE(cellOf(view, folder, RunTableModel::Dataset),
                 QStringLiteral("pairs.jsonl (%1)")
                     .arg(QString::fromStdString(m["dataset"]["sha256"].get<std::string>()).left(8)));
        QCOMPARE(cellOf(view, folder, RunTableModel::Pairs), QStringLiteral("300"));
        QCOMPARE(cellOf(view, folder, RunTableModel::Epochs),
                 folder == m_engine ? QStringLiteral("3 / 3") : QStringLiteral("4 / 4"));
        QCOMPARE(cellOf(view, folder, RunTableModel::LearningRate),
                 QString::number(m["learning_rate"].get<double>(), 'g', 4));
        QCOMPARE(cellOf(view, folder, RunTableModel::HiddenDim), QStringLiteral("8"));
        QCOMPARE(cellOf(view, folder, RunTableModel::BatchSize),
                 folder == m_extra ? QStringLiteral("16") : QStringLiteral("32"));
        QCOMPARE(cellOf(view, folder, RunTableModel::FinalTrainLoss),
                 QString::number(m["final_train_loss"].get<double>(), 'f', 4));
        // The quality column shows what the run measured on held-out data, labelled for what it is.
        const QualityFigure quality = headlineQuality(m);
        QCOMPARE(cellOf(view, folder, RunTableModel::Quality), QString::fromStdString(quality.shortLabel));
        QVERIFY(!cellOf(view, folder, RunTableModel::VerdictColumn).isEmpty());
        QCOMPARE(cellOf(view, folder, RunTableModel::Device), QStringLiteral("cpu"));
        QCOMPARE(cellOf(view, folder, RunTableModel::Ended), QStringLiteral("completed"));
        QVERIFY(!cellOf(view, folder, RunTableModel::Started).isEmpty());
        QVERIFY(!cellOf(view, folder, RunTableModel::TrainingTime).isEmpty());
    }
    // Filtering by typing.
    auto *filter = m_panel->findChild<QLineEdit *>(QStringLiteral("runFilter"));
    QTest::keyClicks(filter, QStringLiteral("outside"));
    QTRY_COMPARE(view->model()->rowCount(), 1);
    filter->clear();
    QCOMPARE(view->model()->rowCount(), 4);
    // Sorting by clicking a header: learning rate ascending puts 0.001 first.
    view->sortByColumn(RunTableModel::LearningRate, Qt::AscendingOrder);
    QCOMPARE(view->model()->index(0, RunTableModel::LearningRate).data().toString(), QStringLiteral("0.001"));
    m_panel->removeFolder(m_extra);
    QCOMPARE(m_panel->runCount(), 3);
}

void HistoryPanelTest::runWrittenWhileOpen_appears()
{
    QCOMPARE(m_panel->runCount(), 3);
    const QString live = m_runs + QStringLiteral("/cli-live");
    QString engine;
    // Leave the workspace as it was for the next tests, whatever happens here.
    auto cleanup = qScopeGuard([&] {
        QDir(live).removeRecursively();
        if (!engine.isEmpty())
            QDir(engine).removeRecursively();
    });
    // By the CLI, in another process, while the panel is open.
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(test::binaryPath("app/ranker-train"),
            {QStringLiteral("--input"), m_data, QStringLiteral("--output"), live, QStringLiteral("--embedding-dim"),
             QStringLiteral("4"), QStringLiteral("--hidden-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
             QStringLiteral("2"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet")});
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->runCount(), 4, 120000);
    // (It may have exited already, while QTRY ran the event loop: waitForFinished() is then false.)
    QVERIFY2(p.state() == QProcess::NotRunning || p.waitForFinished(120000), p.readAll().constData());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    QTRY_COMPARE(cellOf(table(), live, RunTableModel::Ended), QStringLiteral("completed"));
    // By the engine, as the studio writes runs.
    engine = trainWithEngine(QStringLiteral("live"), 0.01);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->runCount(), 5, 10000);
    QTRY_COMPARE(cellOf(table(), engine, RunTableModel::Name), QStringLiteral("live"));
    cleanup.dismiss();
    QVERIFY(QDir(live).removeRecursively());
    QVERIFY(QDir(engine).removeRecursively());
    QTRY_COMPARE(m_panel->runCount(), 3);
}

void HistoryPanelTest::corruptMetadata_showsBrokenWithReason()
{
    const QString broken = m_runs + QStringLiteral("/broken-run");
    QVERIFY(QDir().mkpath(broken));
    writeFileAtomically((broken + QStringLiteral("/pairwise_ranker_metadata.json")).toStdString(),
                        "{\"model_name\": \"x\", \"loss_history\": [0.5, ");
    QTRY_COMPARE(m_panel->runCount(), 4);
    const QString ended = cellOf(table(), broken, RunTableModel::Ended);
    QVERIFY2(ended.startsWith(QStringLiteral("broken: ")), qPrintable(ended));
    QVERIFY2(ended.contains(QStringLiteral("pairwise_ranker_metadata.json")) && ended.contains(QStringLiteral("parse")),
             qPrintable(ended));
    // The other runs are listed as before.
    QCOMPARE(cellOf(table(), m_cliA, RunTableModel::Ended), QStringLiteral("completed"));
    // Selecting it says why; reuse buttons are off, delete is on.
    m_panel->selectRuns({broken});
    auto *problem = m_panel->findChild<QLabel *>(QStringLiteral("detailsProblem"));
    QVERIFY(problem->isVisible());
    QVERIFY(problem->text().contains(QStringLiteral("parse")));
    QVERIFY(!m_panel->findChild<QPushButton *>(QStringLiteral("trainAgainButton"))->isEnabled());
    QVERIFY(m_panel->findChild<QPushButton *>(QStringLiteral("deleteButton"))->isEnabled());
    QVERIFY(QDir(broken).removeRecursively());
    QTRY_COMPARE(m_panel->runCount(), 3);
}

void HistoryPanelTest::compareTwoRuns_twoSeriesPerCurve_marksDifferences()
{
    m_panel->selectRuns({m_cliA, m_cliB});
    QCOMPARE(m_panel->selectedFolders().size(), 2);
    auto *tabs = m_panel->findChild<QTabWidget *>(QStringLiteral("historyTabs"));
    QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("runCompare"));
    for (const char *name : {"lossChartView", "accuracyChartView"}) {
        auto *view = m_panel->findChild<QChartView *>(QLatin1String(name));
        QVERIFY(view);
        int train = 0, val = 0;
        for (QAbstractSeries *s : view->chart()->series()) {
            if (s->objectName() == QStringLiteral("keptEpochMarkers"))
                continue; // the kept epoch of each run, tested in tst_history_winner
            auto *line = qobject_cast<QLineSeries *>(s);
            QVERIFY(line);
            QCOMPARE(line->count(), 4); // one point per epoch
            train += s->name().endsWith(QStringLiteral("· train"));
            val += s->name().endsWith(QStringLiteral("· val"));
        }
        QCOMPARE(train, 2);
        QCOMPARE(val, 2);
    }
    // The loss curve holds the runs' own numbers.
    const RunSummary a = readRunSummary(m_cliA.toStdString());
    auto *loss = m_panel->findChild<QChartView *>(QStringLiteral("lossChartView"));
    // Both runs are called pairwise_ranker: the legend tells them apart by folder.
    QLineSeries *trainA = seriesNamed(loss, QStringLiteral("pairwise_ranker (cli-a) · train"));
    QVERIFY(trainA);
    for (int i = 0; i < trainA->count(); ++i)
        QCOMPARE(trainA->at(i).y(), a.series.trainLoss[size_t(i)]);
    QLineSeries *valA = seriesNamed(loss, QStringLiteral("pairwise_ranker (cli-a) · val"));
    QVERIFY(valA);
    QCOMPARE(valA->at(3).y(), a.series.valLoss[3]);

    auto *tableView = m_panel->findChild<QTableView *>(QStringLiteral("comparisonTable"));
    QAbstractItemModel *model = tableView->model();
    QCOMPARE(model->columnCount(), 3);
    auto rowOf = [&](const QString &key) {
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, 0).data(ui::ComparisonModel::KeyRole).toString() == key)
                return r;
        return -1;
    };
    const int lr = rowOf(QStringLiteral("learning_rate"));
    const int batch = rowOf(QStringLiteral("batch_size"));
    QVERIFY(lr >= 0 && batch >= 0);
    QVERIFY(model->index(lr, 0).data(ui::ComparisonModel::DiffersRole).toBool());
    QVERIFY(model->index(lr, 1).data(Qt::BackgroundRole).isValid());
    QStringList lrs = {model->index(lr, 1).data().toString(), model->index(lr, 2).data().toString()};
    lrs.sort();
    QCOMPARE(lrs, (QStringList{QStringLiteral("0.001"), QStringLiteral("0.01")}));
    QVERIFY(!model->index(batch, 0).data(ui::ComparisonModel::DiffersRole).toBool());
    QVERIFY(!model->index(batch, 1).data(Qt::BackgroundRole).isValid());
    // "Differences only" leaves only rows that differ, the learning rate among them.
    auto *differences = m_panel->findChild<QCheckBox *>(QStringLiteral("differencesOnly"));
    const int all = model->rowCount();
    QTest::mouseClick(differences, Qt::LeftButton, {}, QPoint(5, differences->height() / 2));
    QVERIFY(differences->isChecked());
    QVERIFY(model->rowCount() < all);
    QVERIFY(rowOf(QStringLiteral("learning_rate")) >= 0);
    QCOMPARE(rowOf(QStringLiteral("batch_size")), -1);
    for (int r = 0; r < model->rowCount(); ++r)
        QVERIFY(model->index(r, 0).data(ui::ComparisonModel::DiffersRole).toBool());
    QTest::mouseClick(differences, Qt::LeftButton, {}, QPoint(5, differences->height() / 2));
    QCOMPARE(model->rowCount(), all);
    // The scatter shows every listed run against the chosen setting.
    auto *scatter = m_panel->findChild<QChartView *>(QStringLiteral("scatterChartView"));
    int points = 0;
    for (QAbstractSeries *s : scatter->chart()->series())
        points += static_cast<QXYSeries *>(s)->count();
    QCOMPARE(points, 3);
}

void HistoryPanelTest::smoothing_changesTheCurves()
{
    m_panel->selectRuns({m_cliA, m_cliB});
    auto *loss = m_panel->findChild<QChartView *>(QStringLiteral("lossChartView"));
    const RunSummary a = readRunSummary(m_cliA.toStdString());
    auto *mode = m_panel->findChild<QComboBox *>(QStringLiteral("smoothingMode"));
    mode->setCurrentIndex(1); // moving average
    auto *window = m_panel->findChild<QSpinBox *>(QStringLiteral("smoothingWindow"));
    QVERIFY(window->isVisible());
    window->setValue(2);
    const QString name = QStringLiteral("pairwise_ranker (cli-a) · train");
    QLineSeries *train = seriesNamed(loss, name);
    QVERIFY(train);
    QCOMPARE(train->at(1).y(), movingAverage(a.series.trainLoss, 2)[1]);
    mode->setCurrentIndex(2); // exponential
    auto *weight = m_panel->findChild<QDoubleSpinBox *>(QStringLiteral("smoothingWeight"));
    weight->setValue(0.5);
    train = seriesNamed(loss, name);
    QVERIFY(train);
    QCOMPARE(train->at(2).y(), exponentialSmoothing(a.series.trainLoss, 0.5)[2]);
    mode->setCurrentIndex(0);
}

void HistoryPanelTest::exportCsv_roundTripsThroughReader()
{
    m_panel->selectRuns({m_cliA, m_engine});
    QTemporaryDir out;
    const QStringList files = m_panel->exportSelected(out.path());
    QCOMPARE(files.size(), 3);
    const RunSummary a = readRunSummary(m_cliA.toStdString());
    const RunSummary e = readRunSummary(m_engine.toStdString());
    // Table order (newest first) decides the column order: compare as sets of columns.
    const CsvTable comparison = parseCsv(readFile(out.filePath(QStringLiteral("comparison.csv")).toStdString()));
    const CsvTable expectedAE = comparisonCsv({&a, &e}), expectedEA = comparisonCsv({&e, &a});
    QVERIFY(comparison == expectedAE || comparison == expectedEA);
    QCOMPARE(comparison.front().front(), std::string("field"));
    for (const RunSummary *run : {&a, &e}) {
        const QString path = out.filePath(QString::fromStdString(run->displayName()) + QStringLiteral("-epochs.csv"));
        QVERIFY2(files.contains(path), qPrintable(path));
        const CsvTable rows = parseCsv(readFile(path.toStdString()));
        QCOMPARE(rows, epochCsv(*run));
        QCOMPARE(rows.size(), run->series.size() + 1);
        // Numbers read back exactly.
        for (size_t i = 0; i < run->series.size(); ++i) {
            QCOMPARE(std::strtod(rows[i + 1][1].c_str(), nullptr), run->series.trainLoss[i]);
            QCOMPARE(std::strtod(rows[i + 1][4].c_str(), nullptr), run->series.valAccuracy[i]);
        }
    }
}

void HistoryPanelTest::notesAndRename_goToSidecarOnly()
{
    QStringList before;
    const QDir dir(m_cliB);
    const QStringList runFiles = dir.entryList(QDir::Files);
    for (const QString &f : runFiles)
        before << QString::fromLatin1(fileHash(dir.filePath(f)).toHex());
    m_panel->selectRuns({m_cliB});
    auto *notes = m_panel->findChild<QPlainTextEdit *>(QStringLiteral("notesEdit"));
    auto *tags = m_panel->findChild<QLineEdit *>(QStringLiteral("tagsEdit"));
    QVERIFY(notes->isEnabled());
    notes->setFocus();
    QTest::keyClicks(notes, QStringLiteral("slow learning rate"));
    QTest::keyClicks(tags, QStringLiteral("baseline, lr"));
    QTest::mouseClick(m_panel->findChild<QPushButton *>(QStringLiteral("saveNotesButton")), Qt::LeftButton);
    const RunNotes saved = readRunNotes(m_cliB.toStdString());
    QCOMPARE(saved.notes, std::string("slow learning rate"));
    QCOMPARE(saved.tags, (std::vector<std::string>{"baseline", "lr"}));
    QTRY_COMPARE(cellOf(table(), m_cliB, RunTableModel::Tags), QStringLiteral("baseline, lr"));

    QVERIFY(m_panel->renameRun(m_cliB, QStringLiteral("Slow baseline")));
    QCOMPARE(cellOf(table(), m_cliB, RunTableModel::Name), QStringLiteral("Slow baseline"));
    QCOMPARE(readRunNotes(m_cliB.toStdString()).notes, std::string("slow learning rate"));
    // The run's own files are byte for byte what ranker-train wrote.
    QStringList after;
    for (const QString &f : runFiles)
        after << QString::fromLatin1(fileHash(dir.filePath(f)).toHex());
    QCOMPARE(after, before);
    QCOMPARE(readRun(m_cliB.toStdString()).name, std::string("pairwise_ranker"));
    // The filter finds runs by tag.
    QTest::keyClicks(m_panel->findChild<QLineEdit *>(QStringLiteral("runFilter")), QStringLiteral("baseline"));
    QCOMPARE(table()->model()->rowCount(), 1);
    m_panel->findChild<QLineEdit *>(QStringLiteral("runFilter"))->clear();
    QVERIFY(m_panel->renameRun(m_cliB, QString()));
    QCOMPARE(cellOf(table(), m_cliB, RunTableModel::Name), QStringLiteral("pairwise_ranker"));
    QVERIFY(QFile::remove(m_cliB + QLatin1Char('/') + QLatin1String(kRunNotesFileName)));
}

void HistoryPanelTest::browsing_writesNothingIntoRuns()
{
    m_panel->selectRuns({m_cliA});
    m_panel->selectRuns({m_cliA, m_engine});
    m_panel->selectRuns({m_engine});
    m_panel.reset();
    for (const QString &folder : {m_cliA, m_cliB, m_engine})
        QVERIFY2(!QFile::exists(folder + QLatin1Char('/') + QLatin1String(kRunNotesFileName)), qPrintable(folder));
}

void HistoryPanelTest::trainAgainAndContinue_emitConfiguration()
{
    QSignalSpy again(m_panel.get(), &RunHistoryPanel::trainAgainRequested);
    QSignalSpy resume(m_panel.get(), &RunHistoryPanel::continueTrainingRequested);
    m_panel->selectRuns({m_cliA});
    QTest::mouseClick(m_panel->findChild<QPushButton *>(QStringLiteral("trainAgainButton")), Qt::LeftButton);
    QCOMPARE(again.count(), 1);
    const nlohmann::json config = nlohmann::json::parse(again.at(0).at(0).toString().toStdString());
    QCOMPARE(config["learning_rate"].get<double>(), 0.01);
    QCOMPARE(config["hidden_dim"].get<int>(), 8);
    QCOMPARE(config["embedding_dim"].get<int>(), 4);
    QCOMPARE(config["epochs"].get<int>(), 4);
    QCOMPARE(config["ties"].get<std::string>(), std::string("hinge"));
    TrainConfig parsed;
    fromJson(config, parsed); // what the Train form does with it
    QCOMPARE(parsed.learningRate, 0.01);
    QTest::mouseClick(m_panel->findChild<QPushButton *>(QStringLiteral("continueButton")), Qt::LeftButton);
    QCOMPARE(resume.count(), 1);
    QCOMPARE(QDir::cleanPath(resume.at(0).at(0).toString()),
             QDir::cleanPath(m_cliA + QStringLiteral("/pairwise_ranker.pth")));
    QVERIFY(QFile::exists(resume.at(0).at(0).toString()));
    QCOMPARE(resume.at(0).at(1).toString(), again.at(0).at(0).toString());
}

void HistoryPanelTest::delete_asksAndRemovesOnlyThatRun()
{
    // A copy to delete, so the other tests keep their runs.
    const QString victim = m_runs + QStringLiteral("/to-delete");
    std::filesystem::copy(m_cliA.toStdString(), victim.toStdString());
    QTRY_COMPARE(m_panel->runCount(), 4);
    m_panel->selectRuns({victim});
    auto *button = m_panel->findChild<QPushButton *>(QStringLiteral("deleteButton"));
    QString asked;
    auto answer = [&asked](QMessageBox::StandardButton which) {
        QTimer::singleShot(0, [&asked, which] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            asked = box->text() + QLatin1Char('\n') + box->informativeText();
            QTest::mouseClick(box->button(which), Qt::LeftButton);
        });
    };
    // Cancel keeps it.
    answer(QMessageBox::Cancel);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY2(asked.contains(QStringLiteral("to-delete")), qPrintable(asked));
    QVERIFY(QDir(victim).exists());
    QCOMPARE(m_panel->runCount(), 4);
    // Yes deletes that run alone.
    asked.clear();
    answer(QMessageBox::Yes);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!asked.isEmpty());
    QVERIFY(!QDir(victim).exists());
    // It went to the trash (test mode's), with a .trashinfo naming where it was: take it out again.
    const QString trash =
        QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Trash");
    bool trashed = false;
    const QStringList infos = QDir(trash + QStringLiteral("/info")).entryList({QStringLiteral("to-delete*.trashinfo")});
    for (const QString &info : infos) {
        QFile file(trash + QStringLiteral("/info/") + info);
        QVERIFY(file.open(QIODevice::ReadOnly));
        if (!QString::fromUtf8(file.readAll()).contains(QFileInfo(victim).absoluteFilePath()))
            continue;
        trashed = true;
        QVERIFY(QDir(trash + QStringLiteral("/files/") + info.chopped(10)).removeRecursively());
        QVERIFY(file.remove());
    }
    if (!trashed)
        qInfo("no trash here: the run was deleted");
    QCOMPARE(m_panel->runCount(), 3);
    for (const QString &folder : {m_cliA, m_cliB, m_engine})
        QVERIFY(QFile::exists(folder + QStringLiteral("/pairwise_ranker_metadata.json")) ||
                QFile::exists(folder + QStringLiteral("/engine_metadata.json")));
    QVERIFY(QDir(m_runs).exists());
}

void HistoryPanelTest::evaluate_matchesEngine()
{
    m_panel->selectRuns({m_engine});
    auto *tabs = m_panel->findChild<QTabWidget *>(QStringLiteral("historyTabs"));
    auto *view = m_panel->findChild<ui::RunEvaluateView *>(QStringLiteral("runEvaluate"));
    tabs->setCurrentWidget(view);
    auto *dataset = m_panel->findChild<QLineEdit *>(QStringLiteral("evalDatasetEdit"));
    dataset->clear();
    QTest::keyClicks(dataset, m_data);
    auto *button = m_panel->findChild<QPushButton *>(QStringLiteral("evaluateButton"));
    QVERIFY(button->isEnabled());
    QSignalSpy done(view, &ui::RunEvaluateView::done);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!button->isEnabled()); // busy while the worker thread runs
    QVERIFY(done.wait(30000));
    const ui::EvaluationResultPtr result = view->lastResult();
    QVERIFY(result);
    QCOMPARE(int(result->kind), int(ui::EvaluationResult::Kind::Evaluation));

    // The engine, on the same model and data.
    const RunSummary run = readRunSummary(m_engine.toStdString());
    RankerModel model(loadCheckpoint(run.pthPath).weights);
    LoadOptions options;
    options.embeddingDim = 4;
    const Dataset ds = loadDataset(m_data.toStdString(), options);
    const Evaluation expected = ranker::evaluate(model, ds, {}, run.margin, 50);
    const Evaluation &got = result->evaluation;
    QCOMPARE(got.overall.pairs, expected.overall.pairs);
    QCOMPARE(got.overall.correct, expected.overall.correct);
    QCOMPARE(got.overall.decisive, expected.overall.decisive);
    QCOMPARE(got.overall.tiesAgree, expected.overall.tiesAgree);
    QCOMPARE(got.confusion, expected.confusion);
    QCOMPARE(got.byItemType.size(), expected.byItemType.size());
    for (const auto &entry : expected.byItemType)
        QCOMPARE(got.byItemType.at(entry.first).correct, entry.second.correct);
    QCOMPARE(result->mostWrong.size(), qsizetype(expected.mostWrong.size()));
    QCOMPARE(result->mostWrong.front().scoreDiff, expected.mostWrong.front().scoreDiff);
    // And what is shown.
    auto *overall = m_panel->findChild<QLabel *>(QStringLiteral("evalOverall"));
    QVERIFY2(overall->text().contains(ui::percentText(expected.overall.accuracy())), qPrintable(overall->text()));
    auto *confusion = m_panel->findChild<QTableWidget *>(QStringLiteral("evalConfusionTable"));
    for (int l = 0; l < 3; ++l)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(confusion->item(l, p)->text().toLongLong(), qlonglong(expected.confusion[size_t(l)][size_t(p)]));
    auto *byType = m_panel->findChild<QTableWidget *>(QStringLiteral("evalByTypeTable"));
    QCOMPARE(byType->rowCount(), int(expected.byItemType.size() + expected.byReasonTag.size()));
    QCOMPARE(byType->item(0, 0)->text(), QString::fromStdString(expected.byItemType.begin()->first));
    QCOMPARE(byType->item(0, 3)->text(), ui::percentText(expected.byItemType.begin()->second.accuracy()));
    auto *wrong = m_panel->findChild<QTableWidget *>(QStringLiteral("evalMostWrongTable"));
    QCOMPARE(wrong->rowCount(), int(expected.mostWrong.size()));
    QCOMPARE(wrong->item(0, 0)->text().toLongLong(), qlonglong(ds.pairs[size_t(expected.mostWrong[0].pair)].line));
}

void HistoryPanelTest::rankItems_scoresEveryItemBestFirst()
{
    m_panel->selectRuns({m_cliA});
    auto *view = m_panel->findChild<ui::RunEvaluateView *>(QStringLiteral("runEvaluate"));
    view->setDatasetPath(m_data);
    QSignalSpy done(view, &ui::RunEvaluateView::done);
    QTest::mouseClick(m_panel->findChild<QPushButton *>(QStringLiteral("rankItemsButton")), Qt::LeftButton);
    QVERIFY(done.wait(30000));
    RankerModel model(loadCheckpoint((m_cliA + QStringLiteral("/pairwise_ranker.pth")).toStdString()).weights);
    LoadOptions options;
    options.embeddingDim = 4;
    const Dataset items = loadItems(m_data.toStdString(), options);
    const std::vector<float> scores = scoreItems(model, items);
    auto *ranking = m_panel->findChild<QTableWidget *>(QStringLiteral("rankTable"));
    QCOMPARE(ranking->rowCount(), int(items.items.size()));
    const auto best = std::max_element(scores.begin(), scores.end()) - scores.begin();
    QCOMPARE(ranking->item(0, 2)->text(), QString::fromStdString(items.items[size_t(best)].id));
    for (int r = 1; r < ranking->rowCount(); ++r)
        QVERIFY(ranking->item(r - 1, 1)->text().toDouble() >= ranking->item(r, 1)->text().toDouble());
}

QTEST_MAIN(HistoryPanelTest)
#include "tst_history_panel.moc"
