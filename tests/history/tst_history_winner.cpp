// Issue 14, "a history that picks the winner": parallel coordinates, the scatter's axes, the best
// run marked, check boxes, hover / zoom / log scale on the loss charts, the kept-epoch marker and
// one number format. Real runs by ranker-train, real widgets, offscreen.

#include "../testsupport.h"

#include "core/run_history.h"
#include "core/trainer.h"
#include "ui/history/chartinteraction.h"
#include "ui/history/comparisonmodel.h"
#include "ui/history/parallelcoordinatesview.h"
#include "ui/history/runcompareview.h"
#include "ui/history/runhistorypanel.h"
#include "ui/history/runtablemodel.h"
#include "ui/losschart.h"
#include "ui/numberformat.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QProcess>
#include <QScatterSeries>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QValueAxis>

#include <memory>

using namespace ranker;
using ranker::ui::RunHistoryPanel;
using ranker::ui::RunTableModel;

class HistoryWinnerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void checkBoxes_chooseTheComparedRuns();
    void parallelCoordinates_axesLinesBestAndHover();
    void parallelCoordinates_oneRunAndSharedSettings();
    void scatter_sharedValueRange_andLogLearningRate();
    void bestRun_markedInListChartsAndTable();
    void compareChart_zoomResetAndLogScale();
    void lossChart_hoverZoomLogAndKeptEpoch();
    void accuracies_oneFormatEverywhere();
    void sweep_oneGroupThatOpensIntoItsTrials();

private:
    QString trainWithCli(const QString &output, const QStringList &extra);
    QTableView *table() const { return m_panel->findChild<QTableView *>(QStringLiteral("runTable")); }
    QModelIndex nameIndexOf(const QString &folder) const;
    void clickCheckBox(const QString &folder);
    ui::ParallelCoordinatesView *parallel() const
    {
        return m_panel->findChild<ui::ParallelCoordinatesView *>(QStringLiteral("parallelCoordinates"));
    }

    QTemporaryDir m_dir;
    QString m_runs, m_data;
    QString m_a, m_b, m_c;
    std::unique_ptr<RunHistoryPanel> m_panel;
};

QString HistoryWinnerTest::trainWithCli(const QString &output, const QStringList &extra)
{
    return test::trainSmallRunWithCli(m_data, output, 5, extra);
}

void HistoryWinnerTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    m_runs = m_dir.filePath(QStringLiteral("workspace/runs"));
    QVERIFY(QDir().mkpath(m_runs));
    m_data = m_dir.filePath(QStringLiteral("pairs.jsonl"));
    test::SyntheticOptions options;
    options.pairs = 300;
    options.items = 45;
    options.dim = 4;
    QCOMPARE(test::writeSyntheticDataset(m_data.toStdString(), options), 300);
    // Learning rates a hundred times apart (a log axis), one run with another batch size.
    m_a = trainWithCli(m_runs + QStringLiteral("/run-a"), {QStringLiteral("--learning-rate"), QStringLiteral("0.01"),
                                                           QStringLiteral("--name"), QStringLiteral("alpha")});
    m_b = trainWithCli(m_runs + QStringLiteral("/run-b"), {QStringLiteral("--learning-rate"), QStringLiteral("0.001"),
                                                           QStringLiteral("--name"), QStringLiteral("beta")});
    m_c = trainWithCli(m_runs + QStringLiteral("/run-c"),
                       {QStringLiteral("--learning-rate"), QStringLiteral("0.0001"), QStringLiteral("--batch-size"),
                        QStringLiteral("16"), QStringLiteral("--name"), QStringLiteral("gamma")});
    for (const QString &folder : {m_a, m_b, m_c}) {
        const RunSummary run = readRunSummary(folder.toStdString());
        QVERIFY2(!run.broken && run.selection.kind != QualityFigure::None, qPrintable(folder));
    }
}

void HistoryWinnerTest::init()
{
    m_panel = std::make_unique<RunHistoryPanel>(m_runs);
    m_panel->resize(1280, 820);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    QCOMPARE(m_panel->runCount(), 3);
}

void HistoryWinnerTest::cleanup()
{
    m_panel.reset();
}

QModelIndex HistoryWinnerTest::nameIndexOf(const QString &folder) const
{
    QAbstractItemModel *model = table()->model();
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data(RunTableModel::FolderRole).toString() == QDir::cleanPath(folder))
            return model->index(r, RunTableModel::Name);
    return {};
}

void HistoryWinnerTest::clickCheckBox(const QString &folder)
{
    const QModelIndex index = nameIndexOf(folder);
    QVERIFY(index.isValid());
    QTableView *view = table();
    view->scrollTo(index);
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    option.rect = view->visualRect(index);
    option.features |= QStyleOptionViewItem::HasCheckIndicator;
    option.state |= QStyle::State_Enabled;
    const QRect box = view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view);
    QVERIFY(!box.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, box.center());
}

void HistoryWinnerTest::checkBoxes_chooseTheComparedRuns()
{
    auto *compare = m_panel->findChild<ui::RunCompareView *>(QStringLiteral("runCompare"));
    QCOMPARE(compare->comparedCount(), 0);
    clickCheckBox(m_a);
    QCOMPARE(m_panel->checkedFolders(), QStringList{QDir::cleanPath(m_a)});
    QCOMPARE(nameIndexOf(m_a).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    clickCheckBox(m_c);
    QCOMPARE(m_panel->checkedFolders().size(), 2);
    QCOMPARE(compare->comparedCount(), 2);
    auto *tabs = m_panel->findChild<QTabWidget *>(QStringLiteral("historyTabs"));
    QCOMPARE(tabs->currentWidget(), compare);
    auto *comparison = m_panel->findChild<QTableView *>(QStringLiteral("comparisonTable"));
    QCOMPARE(comparison->model()->columnCount(), 3);
    QCOMPARE(parallel()->lineCount(), 2);
    // Unticking both: the selection is compared again, and Ctrl-click still adds to it.
    clickCheckBox(m_a);
    clickCheckBox(m_c);
    QVERIFY(m_panel->checkedFolders().isEmpty());
    m_panel->selectRuns({});
    const QModelIndex b = nameIndexOf(m_b).siblingAtColumn(RunTableModel::Started);
    const QModelIndex c = nameIndexOf(m_c).siblingAtColumn(RunTableModel::Started);
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, table()->visualRect(b).center());
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, Qt::ControlModifier, table()->visualRect(c).center());
    QCOMPARE(m_panel->selectedFolders().size(), 2);
    QCOMPARE(compare->comparedCount(), 2);
}

void HistoryWinnerTest::parallelCoordinates_axesLinesBestAndHover()
{
    for (const QString &folder : {m_a, m_b, m_c})
        clickCheckBox(folder);
    ui::ParallelCoordinatesView *view = parallel();
    QVERIFY(view);
    QTRY_VERIFY(view->isVisible());
    QCOMPARE(view->lineCount(), 3);
    // Learning rate and batch size differ; everything else is shared: two axes and the figure.
    QCOMPARE(view->axisCount(), 3);
    QCOMPARE(view->axisLabel(0), QStringLiteral("Learning rate"));
    QVERIFY(view->axisIsLog(0));
    QCOMPARE(view->axisTicks(0),
             (QStringList{QStringLiteral("0.0001"), QStringLiteral("0.001"), QStringLiteral("0.01")}));
    QCOMPARE(view->axisLabel(1), QStringLiteral("Batch size"));
    QCOMPARE(view->axisTicks(1).size(), 2);
    QCOMPARE(view->axisLabel(2), QStringLiteral("Validation accuracy"));
    // On a log axis the decades are evenly spaced.
    std::vector<RunSummary> runs;
    for (int r = 0; r < view->lineCount(); ++r)
        for (const QString &folder : {m_a, m_b, m_c}) {
            RunSummary s = readRunSummary(folder.toStdString());
            if (QString::fromStdString(s.displayName()) == view->runName(r))
                runs.push_back(s);
        }
    QCOMPARE(int(runs.size()), 3);
    std::vector<double> ys;
    for (double lr : {0.0001, 0.001, 0.01})
        for (int r = 0; r < 3; ++r)
            if (runs[size_t(r)].learningRate == lr)
                ys.push_back(view->pointOf(r, 0).y());
    QCOMPARE(int(ys.size()), 3);
    QVERIFY(std::fabs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 1.0);
    QVERIFY(ys[0] > ys[2]); // the highest rate at the top
    // The best by validation (as a sweep ranks), independently found.
    int best = 0;
    for (int r = 1; r < 3; ++r)
        if (runs[size_t(r)].selection.accuracy > runs[size_t(best)].selection.accuracy)
            best = r;
    QCOMPARE(view->bestRun(), best);
    // Hover the best line between two axes: its name and values.
    const QPoint mid = ((view->pointOf(best, 0) + view->pointOf(best, 1)) / 2).toPoint();
    QTest::mouseMove(view, mid);
    QTRY_COMPARE(view->hoveredRun(), best);
    QVERIFY2(view->hoverText().contains(view->runName(best)), qPrintable(view->hoverText()));
    QVERIFY(view->hoverText().contains(ui::percentText(runs[size_t(best)].selection.accuracy)));
    QVERIFY(view->hoverText().contains(QStringLiteral("Learning rate: ") +
                                       QString::number(runs[size_t(best)].learningRate, 'g', 4)));
    // The figure axis spans the runs' figures, in the one format.
    QVERIFY(view->axisTicks(2).first().endsWith(QStringLiteral(" %")));
}

void HistoryWinnerTest::parallelCoordinates_oneRunAndSharedSettings()
{
    ui::ParallelCoordinatesView view;
    view.resize(500, 300);
    const RunSummary a = readRunSummary(m_a.toStdString()), b = readRunSummary(m_b.toStdString());
    view.setRuns({&a});
    QCOMPARE(view.lineCount(), 1);
    QCOMPARE(view.axisCount(), 1); // nothing differs: only the figure, centred
    QCOMPARE(view.axisTicks(0), QStringList{ui::percentText(a.selection.accuracy)});
    QCOMPARE(view.bestRun(), 0);
    // Two runs that share the batch size: no batch-size axis.
    view.setRuns({&a, &b});
    QCOMPARE(view.axisCount(), 2);
    QCOMPARE(view.axisLabel(0), QStringLiteral("Learning rate"));
    QVERIFY(view.axisIsLog(0)); // 0.001 and 0.01: ten times apart is a log axis
    // A run without a setting: drawn below the axis, not dropped.
    RunSummary missing = b;
    const auto &fields = comparisonFields();
    for (size_t f = 0; f < fields.size(); ++f)
        if (std::string(fields[f].key) == "learning_rate")
            missing.fieldNumber[f] = std::nan("");
    RunSummary c = readRunSummary(m_c.toStdString());
    view.setRuns({&a, &missing, &c});
    QCOMPARE(view.lineCount(), 3);
    QVERIFY(view.pointOf(1, 0).y() > view.pointOf(0, 0).y());
    QVERIFY(view.pointOf(1, 0).y() > view.pointOf(2, 0).y());
}

void HistoryWinnerTest::scatter_sharedValueRange_andLogLearningRate()
{
    auto *parameter = m_panel->findChild<QComboBox *>(QStringLiteral("scatterParameter"));
    auto *scatter = m_panel->findChild<QChartView *>(QStringLiteral("scatterChartView"));
    parameter->setCurrentIndex(parameter->findData(QStringLiteral("margin"))); // 1 in every run
    auto *x = qobject_cast<QValueAxis *>(scatter->chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(x);
    QCOMPARE(x->min(), 0.5);
    QCOMPARE(x->max(), 1.5);
    parameter->setCurrentIndex(parameter->findData(QStringLiteral("learning_rate")));
    auto *log = qobject_cast<QLogValueAxis *>(scatter->chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(log);
    QVERIFY(log->min() < 0.0001 && log->max() > 0.01);
}

void HistoryWinnerTest::bestRun_markedInListChartsAndTable()
{
    m_panel->selectRuns({m_a, m_b, m_c});
    auto *compare = m_panel->findChild<ui::RunCompareView *>(QStringLiteral("runCompare"));
    QCOMPARE(compare->comparedCount(), 3);
    const QString bestFolder = compare->bestComparedFolder();
    QVERIFY(!bestFolder.isEmpty());
    double top = -1;
    QString expected;
    for (const QString &folder : {m_a, m_b, m_c}) {
        const RunSummary s = readRunSummary(folder.toStdString());
        if (s.selection.accuracy > top) {
            top = s.selection.accuracy;
            expected = QString::fromStdString(s.displayName());
        }
    }
    QVERIFY(nameIndexOf(bestFolder).data().toString().startsWith(QStringLiteral("★ ")));
    QCOMPARE(nameIndexOf(bestFolder).data().toString(), QStringLiteral("★ ") + expected);
    int starred = 0;
    for (const QString &folder : {m_a, m_b, m_c})
        starred += nameIndexOf(folder).data().toString().startsWith(QStringLiteral("★"));
    QCOMPARE(starred, 1);
    auto *loss = m_panel->findChild<QChartView *>(QStringLiteral("lossChartView"));
    QLineSeries *bestTrain = nullptr, *otherTrain = nullptr;
    for (QAbstractSeries *s : loss->chart()->series()) {
        if (s->name() == QStringLiteral("★ %1 · train").arg(expected))
            bestTrain = qobject_cast<QLineSeries *>(s);
        else if (s->name().endsWith(QStringLiteral("· train")))
            otherTrain = qobject_cast<QLineSeries *>(s);
    }
    QVERIFY(bestTrain && otherTrain);
    QVERIFY(bestTrain->pen().widthF() > otherTrain->pen().widthF());
    auto *comparison = m_panel->findChild<QTableView *>(QStringLiteral("comparisonTable"));
    QStringList headers;
    for (int c = 1; c < comparison->model()->columnCount(); ++c)
        headers << comparison->model()->headerData(c, Qt::Horizontal).toString();
    QVERIFY2(headers.contains(QStringLiteral("★ ") + expected), qPrintable(headers.join(QLatin1Char('|'))));
}

void HistoryWinnerTest::compareChart_zoomResetAndLogScale()
{
    m_panel->selectRuns({m_a, m_b});
    auto *loss = m_panel->findChild<QChartView *>(QStringLiteral("lossChartView"));
    auto *interaction = loss->findChild<ui::ChartInteraction *>(QStringLiteral("chartInteraction"));
    QVERIFY(interaction);
    auto xAxis = [&] { return qobject_cast<QValueAxis *>(loss->chart()->axes(Qt::Horizontal).value(0)); };
    QCOMPARE(xAxis()->min(), 0.0);
    QCOMPARE(xAxis()->max(), 5.0);
    // The wheel zooms in.
    QWheelEvent wheel(QPointF(loss->viewport()->rect().center()),
                      loss->viewport()->mapToGlobal(loss->viewport()->rect().center()), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(loss->viewport(), &wheel);
    QVERIFY(interaction->zoomed());
    QVERIFY(xAxis()->max() - xAxis()->min() < 5.0);
    // Double-click resets: the whole range, integer epoch ticks again.
    QTest::mouseDClick(loss->viewport(), Qt::LeftButton, {}, loss->viewport()->rect().center());
    QVERIFY(!interaction->zoomed());
    QCOMPARE(xAxis()->min(), 0.0);
    QCOMPARE(xAxis()->max(), 5.0);
    QCOMPARE(xAxis()->tickInterval(), 1.0);
    // Log scale for the loss axis.
    auto *logBox = loss->findChild<QCheckBox *>(QStringLiteral("logScale"));
    QVERIFY(logBox && logBox->isVisible());
    QTest::mouseClick(logBox, Qt::LeftButton, {}, QPoint(5, logBox->height() / 2));
    QVERIFY(logBox->isChecked());
    auto *logAxis = qobject_cast<QLogValueAxis *>(loss->chart()->axes(Qt::Vertical).value(0));
    QVERIFY(logAxis);
    int trainSeries = 0;
    for (QAbstractSeries *s : loss->chart()->series())
        if (s->name().endsWith(QStringLiteral("· train"))) {
            ++trainSeries;
            QVERIFY(s->attachedAxes().contains(logAxis));
        }
    QCOMPARE(trainSeries, 2);
    // The accuracy chart has no log box (a percentage).
    auto *accuracy = m_panel->findChild<QChartView *>(QStringLiteral("accuracyChartView"));
    QVERIFY(!accuracy->findChild<QCheckBox *>(QStringLiteral("logScale"))->isVisible());
    // The kept epoch of each run, marked on its validation curve.
    QScatterSeries *kept = nullptr;
    for (QAbstractSeries *s : loss->chart()->series())
        if (s->objectName() == QStringLiteral("keptEpochMarkers"))
            kept = qobject_cast<QScatterSeries *>(s);
    QVERIFY(kept);
    QCOMPARE(kept->count(), 2);
    const RunSummary a = readRunSummary(m_a.toStdString()), b = readRunSummary(m_b.toStdString());
    QList<double> epochs{kept->at(0).x(), kept->at(1).x()};
    std::sort(epochs.begin(), epochs.end());
    QList<double> expected{comparisonNumber(a, "kept_epoch"), comparisonNumber(b, "kept_epoch")};
    std::sort(expected.begin(), expected.end());
    QCOMPARE(epochs, expected);
    logBox->setChecked(false);
}

void HistoryWinnerTest::lossChart_hoverZoomLogAndKeptEpoch()
{
    ui::LossChart chart;
    chart.resize(700, 420);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.reset(1, 6);
    const double val[] = {0.9, 0.6, 0.4, 0.45, 0.5, 0.55};
    for (int e = 1; e <= 6; ++e) {
        EpochReport r;
        r.epoch = e;
        r.epochs = 6;
        r.trainLoss = 1.0 / e;
        r.valLoss = val[e - 1];
        r.valAccuracy = 0.5 + 0.05 * e;
        chart.addEpoch(r);
    }
    // The best validation epoch so far is marked while training, the kept one at the end.
    QCOMPARE(chart.keptEpoch(), 3);
    QVERIFY(chart.keptEpochMarker()->isVisible());
    QCOMPARE(chart.keptEpochMarker()->at(0).x(), 3.0);
    QCOMPARE(chart.keptEpochMarker()->at(1).x(), 3.0);
    chart.markKeptEpoch(3, true);
    QCOMPARE(chart.keptEpochMarker()->name(), QStringLiteral("Kept: epoch 3"));
    // Hover: the nearest point's epoch and value.
    QApplication::processEvents();
    const QPointF at = chart.chart()->mapToPosition(QPointF(2, 0.5), chart.trainLoss());
    const QPoint viewportPos = chart.mapFromScene(chart.chart()->mapToScene(at));
    // A move event to the viewport, as the window system sends it (QTest::mouseMove does not reach a
    // QGraphicsView's viewport on the offscreen platform).
    QMouseEvent move(QEvent::MouseMove, QPointF(viewportPos), chart.viewport()->mapToGlobal(QPointF(viewportPos)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(chart.viewport(), &move);
    QTRY_VERIFY(!chart.interaction()->hoverText().isEmpty());
    QCOMPARE(chart.interaction()->hoverText(), QStringLiteral("Train loss · epoch 2: 0.5"));
    // Zoom and reset: the fitted range and integer ticks come back.
    chart.interaction()->zoom(2);
    QVERIFY(chart.epochAxis()->max() - chart.epochAxis()->min() < 6);
    auto *reset = chart.findChild<QToolButton *>(QStringLiteral("resetZoom"));
    QVERIFY(reset->isEnabled());
    QTest::mouseClick(reset, Qt::LeftButton);
    QCOMPARE(chart.epochAxis()->min(), 0.0);
    QCOMPARE(chart.epochAxis()->max(), 6.0);
    QCOMPARE(chart.epochAxis()->tickInterval(), 1.0);
    // Log scale moves the losses onto a log axis and back.
    auto *logBox = chart.findChild<QCheckBox *>(QStringLiteral("logScale"));
    QTest::mouseClick(logBox, Qt::LeftButton, {}, QPoint(5, logBox->height() / 2));
    auto *log = qobject_cast<QLogValueAxis *>(chart.lossAxis());
    QVERIFY(log);
    QVERIFY(chart.trainLoss()->attachedAxes().contains(log));
    QVERIFY(log->min() > 0 && log->min() <= 1.0 / 6 && log->max() >= 1.0);
    QTest::mouseClick(logBox, Qt::LeftButton, {}, QPoint(5, logBox->height() / 2));
    QVERIFY(qobject_cast<QValueAxis *>(chart.lossAxis()));
    QVERIFY(chart.trainLoss()->attachedAxes().contains(chart.lossAxis()));
}

void HistoryWinnerTest::accuracies_oneFormatEverywhere()
{
    m_panel->selectRuns({m_a, m_b});
    const RunSummary a = readRunSummary(m_a.toStdString());
    const QString expected = ui::percentText(a.selection.accuracy);
    QVERIFY(expected.endsWith(QStringLiteral(" %")));
    QCOMPARE(expected.count(QLatin1Char('.')), 1);
    // The comparison table: the same text as the list's Quality column starts with.
    auto *comparison = m_panel->findChild<QTableView *>(QStringLiteral("comparisonTable"));
    QAbstractItemModel *model = comparison->model();
    int row = -1;
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data(ui::ComparisonModel::KeyRole).toString() == QStringLiteral("selection_accuracy"))
            row = r;
    QVERIFY(row >= 0);
    QStringList cells{model->index(row, 1).data().toString(), model->index(row, 2).data().toString()};
    QVERIFY2(cells.contains(expected), qPrintable(cells.join(QLatin1Char('|'))));
    const QString quality = nameIndexOf(m_a).siblingAtColumn(RunTableModel::Quality).data().toString();
    QVERIFY2(quality.startsWith(ui::percentText(a.quality.accuracy)), qPrintable(quality));
    // The CSV keeps the plain number.
    const auto rows = compareRuns({&a});
    for (const ComparisonRow &r : rows)
        if (r.key == "selection_accuracy")
            QVERIFY(!QString::fromStdString(r.values[0]).contains(QLatin1Char('%')));
}

void HistoryWinnerTest::sweep_oneGroupThatOpensIntoItsTrials()
{
    // A sweep folder (sweep.json beside its trials) of the three real runs, and one run of its own.
    const QString runs = m_dir.filePath(QStringLiteral("grouped/runs"));
    const QString sweep = runs + QStringLiteral("/20261201-grid");
    QVERIFY(QDir().mkpath(sweep));
    QStringList trials;
    for (const QString &source : {m_a, m_b, m_c}) {
        trials << sweep + QStringLiteral("/trial-0%1").arg(trials.size() + 1);
        QCOMPARE(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), source, trials.last()}), 0);
    }
    QFile json(sweep + QStringLiteral("/sweep.json"));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write("{}\n");
    json.close();
    const QString solo = runs + QStringLiteral("/solo");
    QCOMPARE(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), m_b, solo}), 0);
    // The best trial, found here from the metadata: the highest selection figure.
    QString best;
    double bestFigure = -1;
    for (const QString &trial : trials) {
        const RunSummary run = readRunSummary(trial.toStdString());
        if (run.selection.accuracy > bestFigure)
            bestFigure = run.selection.accuracy, best = QDir::cleanPath(trial);
    }

    m_panel = std::make_unique<RunHistoryPanel>(runs);
    m_panel->resize(1280, 820);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    QCOMPARE(m_panel->runCount(), 4);
    QTableView *view = table();
    QAbstractItemModel *model = view->model();
    auto groupText = [&](int row) { return model->index(row, RunTableModel::Group).data().toString(); };
    auto folderAt = [&](int row) { return model->index(row, 0).data(RunTableModel::FolderRole).toString(); };
    auto rowOf = [&](const QString &folder) {
        for (int r = 0; r < model->rowCount(); ++r)
            if (folderAt(r) == QDir::cleanPath(folder))
                return r;
        return -1;
    };
    // Closed: the sweep is one row, its best trial, and the count still says four runs (the
    // trials are compared with their lead).
    QCOMPARE(model->rowCount(), 2);
    const int lead = rowOf(best);
    QVERIFY2(lead >= 0, qPrintable(best));
    QCOMPARE(groupText(lead), QStringLiteral("▸ ★ sweep 20261201-grid · 3 trials"));
    QVERIFY(groupText(rowOf(solo)).isEmpty());
    QCOMPARE(m_panel->findChild<QLabel *>(QStringLiteral("runCountLabel"))->text(), QStringLiteral("4 runs"));

    // A click on the lead's Group cell opens it: the trials follow their lead.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(model->index(lead, RunTableModel::Group)).center());
    QCOMPARE(model->rowCount(), 4);
    auto checkBlock = [&] {
        const int at = rowOf(best);
        QVERIFY(at >= 0 && at + 2 < model->rowCount());
        QVERIFY2(groupText(at).startsWith(QStringLiteral("▾ ★ sweep 20261201-grid")), qPrintable(groupText(at)));
        for (int r = at + 1; r <= at + 2; ++r)
            QVERIFY2(groupText(r) == QStringLiteral("└ sweep 20261201-grid"), qPrintable(groupText(r)));
    };
    checkBlock();
    // Sorted by any column, either way, the sweep stays one block with its lead first.
    for (int column : {int(RunTableModel::LearningRate), int(RunTableModel::Quality), int(RunTableModel::Name)})
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            view->sortByColumn(column, order);
            checkBlock();
        }
    // Sorted by learning rate, the trials under the lead are in that order.
    view->sortByColumn(RunTableModel::LearningRate, Qt::AscendingOrder);
    const int at = rowOf(best);
    QVERIFY(model->index(at + 1, RunTableModel::LearningRate).data(RunTableModel::SortRole).toDouble() <
            model->index(at + 2, RunTableModel::LearningRate).data(RunTableModel::SortRole).toDouble());

    // A trial selected, − closes the sweep and hands the selection to the lead; + opens it again.
    const int trialRow = at + 1;
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(model->index(trialRow, RunTableModel::Started)).center());
    QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
    QTest::keyClick(view, Qt::Key_Minus);
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(view->selectionModel()->selectedRows().first().data(RunTableModel::FolderRole).toString(), best);
    QTest::keyClick(view, Qt::Key_Plus);
    QCOMPARE(model->rowCount(), 4);
    QTest::keyClick(view, Qt::Key_Minus);
    QCOMPARE(model->rowCount(), 2);

    // A filter finds trials of a closed sweep.
    auto *filter = m_panel->findChild<QLineEdit *>(QStringLiteral("runFilter"));
    QTest::keyClicks(filter, QStringLiteral("trial-0"));
    QCOMPARE(model->rowCount(), 3);
    filter->clear();
    QCOMPARE(model->rowCount(), 2);
    // Selecting a hidden trial (as the studio does after a run) opens its sweep.
    const QString other = QDir::cleanPath(trials.first() == best ? trials.last() : trials.first());
    m_panel->selectRuns({other});
    QCOMPARE(model->rowCount(), 4);
    QCOMPARE(view->selectionModel()->selectedRows().first().data(RunTableModel::FolderRole).toString(), other);
    // The open state survives a refresh.
    m_panel->refresh();
    QCOMPARE(model->rowCount(), 4);
}

QTEST_MAIN(HistoryWinnerTest)
#include "tst_history_winner.moc"
