#include "ui/history/runcompareview.h"

#include "core/atomic_file.h"
#include "ui/chartaxes.h"
#include "ui/history/bestrun.h"
#include "ui/history/chartinteraction.h"
#include "ui/history/comparisonmodel.h"
#include "ui/history/elidedtext.h"
#include "ui/history/parallelcoordinatesview.h"
#include "ui/numberformat.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ranker::ui {

namespace {

/// Distinct colours that stay apart on a white chart (Tableau 10).
QColor runColor(int index)
{
    static const QRgb colors[] = {0x4e79a7, 0xe15759, 0x59a14f, 0xf28e2b, 0xb07aa1,
                                  0x76b7b2, 0xedc948, 0xff9da7, 0x9c755f, 0xbab0ac};
    return QColor(colors[index % 10]);
}

QChartView *makeChartView(const QString &objectName, QWidget *parent)
{
    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    auto *view = new QChartView(chart, parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 220);
    return view;
}

QString safeFileName(const QString &name)
{
    QString out;
    for (QChar c : name)
        out += c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.')
                   ? c
                   : QLatin1Char('_');
    return out.isEmpty() ? QStringLiteral("run") : out;
}

} // namespace

QStringList RunCompareView::runLabels(const std::vector<RunSummary> &runs)
{
    QStringList names;
    for (const RunSummary &run : runs)
        names << elidedText(run.displayName());
    // Runs trained with the same --name would share a legend entry: add their folder's name.
    QStringList labels;
    for (size_t i = 0; i < runs.size(); ++i) {
        const QString &name = names.at(int(i));
        labels << (names.count(name) > 1 ? QStringLiteral("%1 (%2)").arg(
                                               name, QFileInfo(QString::fromStdString(runs[i].folder)).fileName())
                                         : name);
    }
    return labels;
}

RunCompareView::RunCompareView(HistorySettings *settings, QWidget *parent) : QWidget(parent), m_settings(settings)
{
    // Smoothing.
    m_smoothing = new QComboBox(this);
    m_smoothing->setObjectName(QStringLiteral("smoothingMode"));
    m_smoothing->addItems({tr("No smoothing"), tr("Moving average"), tr("Exponential")});
    m_smoothing->setCurrentIndex(int(m_settings->smoothing));
    m_window = new QSpinBox(this);
    m_window->setObjectName(QStringLiteral("smoothingWindow"));
    m_window->setRange(1, 100);
    m_window->setPrefix(tr("window "));
    m_window->setSuffix(tr(" epochs"));
    m_window->setValue(m_settings->movingAverageWindow);
    m_weight = new QDoubleSpinBox(this);
    m_weight->setObjectName(QStringLiteral("smoothingWeight"));
    m_weight->setRange(0.0, 0.99);
    m_weight->setSingleStep(0.05);
    m_weight->setDecimals(2);
    m_weight->setPrefix(tr("weight "));
    m_weight->setValue(m_settings->exponentialWeight);
    m_hint = new QLabel(tr("Select two or more runs in the list to compare them."), this);
    m_hint->setObjectName(QStringLiteral("compareHint"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Curves:"), this));
    controls->addWidget(m_smoothing);
    controls->addWidget(m_window);
    controls->addWidget(m_weight);
    controls->addSpacing(12);
    controls->addWidget(m_hint, 1);

    m_lossView = makeChartView(QStringLiteral("lossChartView"), this);
    m_accuracyView = makeChartView(QStringLiteral("accuracyChartView"), this);
    // Hover values, zoom, a reset that refits the epoch axis, and log scale for the losses.
    for (QChartView *view : {m_lossView, m_accuracyView}) {
        auto *interaction = new ChartInteraction(view);
        connect(interaction, &ChartInteraction::resetRequested, this, &RunCompareView::rebuildCurves);
        if (view == m_accuracyView)
            view->findChild<QCheckBox *>(QStringLiteral("logScale"))->hide();
        else
            connect(interaction, &ChartInteraction::logScaleChanged, this, [this](bool on) {
                m_logLoss = on;
                rebuildCurves();
            });
    }
    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_lossView);
    charts->addWidget(m_accuracyView);

    // Side-by-side table.
    m_comparison = new ComparisonModel(this);
    m_differences = new DifferencesFilterModel(this);
    m_differences->setSourceModel(m_comparison);
    m_differences->setDifferencesOnly(m_settings->differencesOnly);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("comparisonTable"));
    m_table->setModel(m_differences);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    // The field names as wide as they need, the runs sharing the rest evenly.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("completed")) + 16);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(false);
    m_differencesOnly = new QCheckBox(tr("Differences only"), this);
    m_differencesOnly->setObjectName(QStringLiteral("differencesOnly"));
    m_differencesOnly->setChecked(m_settings->differencesOnly);
    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    auto *tableHead = new QHBoxLayout;
    auto *tableTitle = new QLabel(tr("<b>Settings and results</b> (differing values highlighted)"), tableBox);
    tableTitle->setWordWrap(true); // wraps in small windows instead of widening the place
    tableHead->addWidget(tableTitle, 1);
    tableHead->addWidget(m_differencesOnly);
    tableLayout->addLayout(tableHead);
    tableLayout->addWidget(m_table);

    // Scatter.
    m_scatterParameter = new QComboBox(this);
    m_scatterParameter->setObjectName(QStringLiteral("scatterParameter"));
    for (const ComparisonField &f : comparisonFields())
        if (f.numeric && f.hyperparameter)
            m_scatterParameter->addItem(tr(f.label), QString::fromLatin1(f.key));
    const int chosen = m_scatterParameter->findData(m_settings->scatterParameter);
    m_scatterParameter->setCurrentIndex(chosen >= 0 ? chosen : 0);
    m_scatterView = makeChartView(QStringLiteral("scatterChartView"), this);
    auto *scatterBox = new QWidget(this);
    auto *scatterLayout = new QVBoxLayout(scatterBox);
    scatterLayout->setContentsMargins(0, 0, 0, 0);
    auto *scatterHead = new QHBoxLayout;
    auto *scatterTitle =
        new QLabel(tr("<b>Validation accuracy</b> (held-out data; pair splits optimistic) of every listed run against"),
                   scatterBox);
    scatterTitle->setWordWrap(true);
    scatterHead->addWidget(scatterTitle, 1);
    scatterHead->addWidget(m_scatterParameter);
    scatterLayout->addLayout(scatterHead);
    scatterLayout->addWidget(m_scatterView);

    // Parallel coordinates beside the scatter: every differing setting of the compared runs at once.
    m_parallel = new ParallelCoordinatesView(this);
    m_parallel->setObjectName(QStringLiteral("parallelCoordinates"));
    auto *figures = new QTabWidget(this);
    figures->setObjectName(QStringLiteral("compareFigureTabs"));
    figures->addTab(m_parallel, tr("Parallel coordinates"));
    figures->addTab(scatterBox, tr("Scatter"));

    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(tableBox);
    bottom->addWidget(figures);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("compareSplitter"));
    split->addWidget(charts);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(split, 1);

    connect(m_smoothing, &QComboBox::currentIndexChanged, this, &RunCompareView::smoothingChanged);
    connect(m_window, &QSpinBox::valueChanged, this, &RunCompareView::smoothingChanged);
    connect(m_weight, &QDoubleSpinBox::valueChanged, this, &RunCompareView::smoothingChanged);
    connect(m_differencesOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_differences->setDifferencesOnly(on);
        m_settings->differencesOnly = on;
        m_settings->save();
    });
    connect(m_scatterParameter, &QComboBox::currentIndexChanged, this, [this] {
        m_settings->scatterParameter = m_scatterParameter->currentData().toString();
        m_settings->save();
        rebuildScatter();
    });
    m_window->setVisible(m_smoothing->currentIndex() == 1);
    m_weight->setVisible(m_smoothing->currentIndex() == 2);
    rebuildCurves();
    rebuildScatter();
}

void RunCompareView::smoothingChanged()
{
    m_settings->smoothing = HistorySettings::Smoothing(m_smoothing->currentIndex());
    m_settings->movingAverageWindow = m_window->value();
    m_settings->exponentialWeight = m_weight->value();
    m_settings->save();
    m_window->setVisible(m_smoothing->currentIndex() == 1);
    m_weight->setVisible(m_smoothing->currentIndex() == 2);
    rebuildCurves();
}

void RunCompareView::setCompared(const std::vector<RunSummary> &runs)
{
    m_compared.clear();
    for (const RunSummary &run : runs)
        if (!run.broken)
            m_compared.push_back(run);
    std::vector<const RunSummary *> pointers;
    for (const RunSummary &run : m_compared)
        pointers.push_back(&run);
    m_names = runLabels(m_compared);
    // The winner among the compared runs, ranked as a sweep ranks its trials: ★ in the legend and
    // the table, a thicker line.
    m_best = m_compared.size() >= 2
                 ? bestRunIndex(m_compared, [](const RunSummary &r) -> const RunSummary & { return r; })
                 : -1;
    QStringList headers = m_names;
    if (m_best >= 0)
        headers[m_best] = QStringLiteral("★ ") + headers[m_best];
    m_comparison->setComparison(compareRuns(pointers), headers);
    m_parallel->setRuns(pointers);
    if (m_comparison->columnCount() > 0)
        m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_hint->setText(m_compared.size() < 2
                        ? tr("Select two or more runs in the list to compare them.")
                        : tr("Comparing %n runs.", nullptr, int(m_compared.size())) +
                              (m_best >= 0 ? tr(" Best by validation: ★ %1").arg(m_names.at(m_best)) : QString()));
    rebuildCurves();
    rebuildScatter();
}

void RunCompareView::setListed(const std::vector<const RunSummary *> &runs)
{
    m_listed.clear();
    m_listed.reserve(runs.size());
    for (const RunSummary *run : runs)
        // Runs are compared by what they measured on held-out data, never by a test file (choosing by
        // it would make it a second validation set) nor by the best of every epoch (chosen after the fact).
        if (!run->broken && run->selection.kind != QualityFigure::None)
            m_listed.push_back({elidedText(run->displayName()), QString::fromStdString(run->folder), run->fieldNumber,
                                run->selection.accuracy});
    rebuildScatter();
}

std::vector<double> RunCompareView::smoothed(const std::vector<double> &values) const
{
    switch (m_smoothing->currentIndex()) {
    case 1:
        return movingAverage(values, m_window->value());
    case 2:
        return exponentialSmoothing(values, m_weight->value());
    default:
        return values;
    }
}

void RunCompareView::fillChart(QChart *chart, bool accuracy)
{
    chart->removeAllSeries();
    deleteAxes(chart);
    chart->setTitle(accuracy ? tr("Accuracy, %  (solid: train, dashed: validation)")
                             : tr("Loss  (solid: train, dashed: validation)"));
    auto *x = new QValueAxis;
    x->setTitleText(tr("Epoch"));
    x->setLabelFormat(QStringLiteral("%d"));
    auto *y = new QValueAxis;
    y->setLabelFormat(accuracy ? QStringLiteral("%.0f") : QStringLiteral("%.3g"));
    QLogValueAxis *logY = nullptr;
    chart->addAxis(x, Qt::AlignBottom);
    if (!accuracy && m_logLoss) {
        logY = new QLogValueAxis;
        logY->setBase(10);
        logY->setLabelFormat(QStringLiteral("%.3g"));
        logY->setTitleText(tr("Loss (log)"));
        chart->addAxis(logY, Qt::AlignLeft);
        delete y;
        y = nullptr;
    } else {
        chart->addAxis(y, Qt::AlignLeft);
    }
    QAbstractAxis *yAxis = logY ? static_cast<QAbstractAxis *>(logY) : y;
    double positiveMin = std::numeric_limits<double>::infinity();
    // The epoch each run kept (kept_epoch, else best_epoch), marked on its validation curve.
    auto *kept = new QScatterSeries;
    kept->setObjectName(QStringLiteral("keptEpochMarkers"));
    kept->setName(tr("◆ kept epoch"));
    kept->setMarkerShape(QScatterSeries::MarkerShapeRotatedRectangle);
    kept->setMarkerSize(13);
    kept->setColor(QColor(0x6a, 0x3d, 0x9a));
    kept->setBorderColor(Qt::white);
    kept->setPointLabelsVisible(true);
    kept->setPointLabelsFormat(QStringLiteral("@xPoint"));
    kept->setPointLabelsClipping(false);
    double xMin = 1, xMax = 1, yMin = 0, yMax = 0;
    bool any = false;
    for (size_t r = 0; r < m_compared.size(); ++r) {
        const RunSummary &run = m_compared[r];
        const EpochSeries &s = run.series;
        const bool best = int(r) == m_best;
        const QString name = best ? QStringLiteral("★ ") + m_names.value(int(r)) : m_names.value(int(r));
        double keptEpoch = comparisonNumber(run, "kept_epoch");
        if (!(keptEpoch > 0))
            keptEpoch = comparisonNumber(run, "best_epoch");
        for (int which = 0; which < 2; ++which) {
            const std::vector<double> &raw =
                accuracy ? (which ? s.valAccuracy : s.trainAccuracy) : (which ? s.valLoss : s.trainLoss);
            const std::vector<double> values = smoothed(raw);
            auto *series = new QLineSeries;
            series->setName(which ? tr("%1 · val").arg(name) : tr("%1 · train").arg(name));
            QPen pen(runColor(int(r)));
            pen.setWidthF(best ? 3.6 : 2);
            if (which)
                pen.setStyle(Qt::DashLine);
            series->setPen(pen);
            for (size_t i = 0; i < values.size() && i < s.epoch.size(); ++i) {
                if (!std::isfinite(values[i]))
                    continue;
                const double v = accuracy ? values[i] * 100 : values[i];
                if (!any) {
                    xMin = xMax = s.epoch[i];
                    yMin = yMax = v;
                    any = true;
                }
                xMin = std::min(xMin, s.epoch[i]);
                xMax = std::max(xMax, s.epoch[i]);
                yMin = std::min(yMin, v);
                yMax = std::max(yMax, v);
                if (v > 0)
                    positiveMin = std::min(positiveMin, v);
                series->append(s.epoch[i], v);
                if (which == 1 && keptEpoch > 0 && s.epoch[i] == keptEpoch)
                    kept->append(s.epoch[i], v);
            }
            chart->addSeries(series);
            series->attachAxis(x);
            series->attachAxis(yAxis);
            // One legend entry per run: the train line names it, the dashed one is explained in the title.
            if (which)
                for (QLegendMarker *marker : chart->legend()->markers(series))
                    marker->setVisible(false);
        }
    }
    chart->addSeries(kept);
    kept->attachAxis(x);
    kept->attachAxis(yAxis);
    if (kept->count() == 0)
        for (QLegendMarker *marker : chart->legend()->markers(kept))
            marker->setVisible(false);
    if (xMax <= xMin)
        xMax = xMin + 1;
    fitEpochAxis(x, int(std::lround(xMin)), int(std::lround(xMax)));
    if (yMax <= yMin)
        yMax = yMin + (accuracy ? 1 : 0.1);
    const double pad = (yMax - yMin) * 0.05;
    if (logY) {
        const double low = std::isfinite(positiveMin) ? positiveMin : 0.01;
        logY->setRange(low * 0.8, std::max(yMax, low * 1.01) * 1.25);
    } else {
        y->setRange(std::max(0.0, yMin - pad), accuracy ? std::min(100.0, yMax + pad) : yMax + pad);
        y->applyNiceNumbers();
        if (accuracy)
            y->setLabelFormat(y->max() - y->min() < 8 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    }
    chart->legend()->setVisible(!m_compared.empty());
}

QString RunCompareView::bestComparedFolder() const
{
    return m_best >= 0 ? QString::fromStdString(m_compared[size_t(m_best)].folder) : QString();
}

void RunCompareView::rebuildCurves()
{
    fillChart(m_lossView->chart(), false);
    fillChart(m_accuracyView->chart(), true);
}

void RunCompareView::rebuildScatter()
{
    QChart *chart = m_scatterView->chart();
    chart->removeAllSeries();
    deleteAxes(chart);
    const QString key = m_scatterParameter->currentData().toString();
    const auto &fields = comparisonFields();
    size_t field = 0;
    while (field < fields.size() && key != QLatin1String(fields[field].key))
        ++field;
    QStringList comparedFolders;
    for (const RunSummary &run : m_compared)
        comparedFolders << QString::fromStdString(run.folder);

    auto *others = new QScatterSeries;
    others->setName(tr("listed runs"));
    others->setMarkerSize(9);
    others->setColor(QColor(0x9a, 0xa5, 0xb1));
    others->setBorderColor(QColor(0x60, 0x6a, 0x75));
    auto *picked = new QScatterSeries;
    picked->setName(tr("compared runs"));
    picked->setMarkerSize(12);
    picked->setColor(runColor(1));
    picked->setBorderColor(QColor(0x80, 0x20, 0x20));
    double xMin = 0, xMax = 0, yMin = 100, yMax = 0;
    bool any = false;
    for (const ListedRun &run : m_listed) {
        if (field >= run.numbers.size() || !std::isfinite(run.numbers[field]))
            continue;
        const double xv = run.numbers[field], yv = run.bestValAccuracy * 100;
        if (!any) {
            xMin = xMax = xv;
            any = true;
        }
        xMin = std::min(xMin, xv);
        xMax = std::max(xMax, xv);
        yMin = std::min(yMin, yv);
        yMax = std::max(yMax, yv);
        (comparedFolders.contains(run.folder) ? picked : others)->append(xv, yv);
    }
    chart->addSeries(others);
    chart->addSeries(picked);
    chart->setTitle(tr("Validation accuracy (%) against %1").arg(m_scatterParameter->currentText()));
    // Learning rates span decades: a log axis shows them evenly.
    QAbstractAxis *x;
    if (any && xMin > 0 && xMax / xMin >= 10) {
        auto *log = new QLogValueAxis;
        log->setBase(10);
        log->setLabelFormat(QStringLiteral("%g"));
        log->setRange(xMin / 1.5, xMax * 1.5);
        x = log;
    } else {
        auto *lin = new QValueAxis;
        if (xMax > xMin) {
            const double pad = (xMax - xMin) * 0.08;
            lin->setRange(xMin - pad, xMax + pad);
        } else {
            // Every run shares one value: a range around it (0.001 → 0.0005–0.0015; 32 → 16–48),
            // never −0.5…0.5 around a learning rate.
            const double half = xMin != 0 ? std::fabs(xMin) * 0.5 : 1;
            lin->setRange(xMin - half, xMin + half);
        }
        lin->setLabelFormat(QStringLiteral("%g"));
        x = lin;
    }
    x->setTitleText(m_scatterParameter->currentText());
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    if (!any) {
        yMin = 0;
        yMax = 100;
    } else if (yMax - yMin < 1) {
        yMin -= 0.5;
        yMax += 0.5;
    }
    const double pad = (yMax - yMin) * 0.1;
    y->setRange(std::max(0.0, yMin - pad), std::min(100.0, yMax + pad));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    y->applyNiceNumbers();
    // A few points of accuracy apart: whole numbers would repeat along the axis.
    y->setLabelFormat(y->max() - y->min() < 8 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    for (QAbstractSeries *series : chart->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    // Name the run under the pointer.
    const std::vector<ListedRun> listed = m_listed;
    const size_t f = field;
    auto hover = [listed, f](const QPointF &point, bool state) {
        if (!state) {
            QToolTip::hideText();
            return;
        }
        QStringList names;
        for (const ListedRun &run : listed)
            if (f < run.numbers.size() && run.numbers[f] == point.x() && run.bestValAccuracy * 100 == point.y())
                names << tr("%1: %2 at %3")
                             .arg(run.name, percentText(run.bestValAccuracy), QString::number(run.numbers[f], 'g', 4));
        QToolTip::showText(QCursor::pos(), names.join(QLatin1Char('\n')));
    };
    connect(others, &QScatterSeries::hovered, this, hover);
    connect(picked, &QScatterSeries::hovered, this, hover);
}

QStringList RunCompareView::exportCsv(const QString &folder, QString *error) const
{
    QStringList written;
    try {
        std::vector<const RunSummary *> runs;
        for (const RunSummary &run : m_compared)
            runs.push_back(&run);
        const QDir dir(folder);
        const QString comparison = dir.filePath(QStringLiteral("comparison.csv"));
        AtomicFileSet files; // all of them or none: never a comparison beside older epoch files
        files.add(comparison.toStdString(), toCsv(comparisonCsv(runs)));
        written << comparison;
        QStringList used;
        for (const RunSummary &run : m_compared) {
            QString base = safeFileName(elidedText(run.displayName(), 100)); // within NAME_MAX
            QString name = base;
            for (int n = 2; used.contains(name); ++n)
                name = QStringLiteral("%1-%2").arg(base).arg(n);
            used << name;
            const QString path = dir.filePath(name + QStringLiteral("-epochs.csv"));
            files.add(path.toStdString(), toCsv(epochCsv(run)));
            written << path;
        }
        files.commit();
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return {};
    }
    return written;
}

} // namespace ranker::ui
