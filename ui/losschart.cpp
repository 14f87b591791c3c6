#include "ui/losschart.h"

#include "ui/chartaxes.h"
#include "ui/history/chartinteraction.h"

#include "core/trainer.h"

#include <QChart>
#include <QColor>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPen>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ranker::ui {

// The chart goes to QChartView's constructor: QChartView(parent) makes a chart of its own, which
// setChart() would release without deleting.
LossChart::LossChart(QWidget *parent) : QChartView(new QChart, parent)
{
    QChart *chart = this->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(400, 260);

    auto makeSeries = [chart](const QString &name, const QString &objectName, const QColor &color, Qt::PenStyle style,
                              qreal width) {
        auto *s = new QLineSeries(chart);
        s->setName(name);
        s->setObjectName(objectName);
        QPen pen(color);
        pen.setWidthF(width);
        pen.setStyle(style);
        s->setPen(pen);
        chart->addSeries(s);
        return s;
    };
    m_running = makeSeries(tr("Train loss (running, per batch)"), QStringLiteral("runningLossSeries"),
                           QColor(0x9e, 0xc5, 0xf2), Qt::SolidLine, 1.2);
    m_train =
        makeSeries(tr("Train loss"), QStringLiteral("trainLossSeries"), QColor(0x1f, 0x62, 0xc4), Qt::SolidLine, 2.4);
    m_val = makeSeries(tr("Validation loss"), QStringLiteral("valLossSeries"), QColor(0xe0, 0x6c, 0x1b), Qt::SolidLine,
                       2.4);
    m_accuracy = makeSeries(tr("Validation accuracy"), QStringLiteral("valAccuracySeries"), QColor(0x2e, 0x9d, 0x4f),
                            Qt::DashLine, 2.0);
    for (QLineSeries *s : {m_train, m_val, m_accuracy})
        s->setPointsVisible(true);

    m_epochAxis = new QValueAxis(chart);
    m_epochAxis->setTitleText(tr("Epoch"));
    m_epochAxis->setLabelFormat(QStringLiteral("%d"));
    m_lossAxis = new QValueAxis(chart);
    m_lossAxis->setTitleText(tr("Loss"));
    m_lossAxis->setLabelFormat(QStringLiteral("%.3g"));
    m_accuracyAxis = new QValueAxis(chart);
    m_accuracyAxis->setTitleText(tr("Val. accuracy %"));
    m_accuracyAxis->setRange(0, 100);
    m_accuracyAxis->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(m_epochAxis, Qt::AlignBottom);
    chart->addAxis(m_lossAxis, Qt::AlignLeft);
    chart->addAxis(m_accuracyAxis, Qt::AlignRight);
    for (QLineSeries *s : {m_running, m_train, m_val}) {
        s->attachAxis(m_epochAxis);
        s->attachAxis(m_lossAxis);
    }
    m_accuracy->attachAxis(m_epochAxis);
    m_accuracy->attachAxis(m_accuracyAxis);

    // "Log scale" moves the loss curves onto this axis; it stays hidden until then.
    m_lossLogAxis = new QLogValueAxis(chart);
    m_lossLogAxis->setTitleText(tr("Loss (log)"));
    m_lossLogAxis->setBase(10);
    m_lossLogAxis->setLabelFormat(QStringLiteral("%.3g"));
    m_lossLogAxis->setRange(0.01, 1);
    chart->addAxis(m_lossLogAxis, Qt::AlignLeft);
    m_lossLogAxis->setVisible(false);

    // The kept epoch: a vertical line over the whole height (on the fixed 0–100 accuracy axis, so
    // it needs no refitting when the losses rescale or go logarithmic).
    m_keptMarker = new QLineSeries(chart);
    m_keptMarker->setObjectName(QStringLiteral("keptEpochMarker"));
    m_keptMarker->setProperty(kNoHover, true);
    QPen keptPen(QColor(0x6a, 0x3d, 0x9a));
    keptPen.setWidthF(1.6);
    keptPen.setStyle(Qt::DashDotLine);
    m_keptMarker->setPen(keptPen);
    chart->addSeries(m_keptMarker);
    m_keptMarker->attachAxis(m_epochAxis);
    m_keptMarker->attachAxis(m_accuracyAxis);

    m_interaction = new ChartInteraction(this);
    connect(m_interaction, &ChartInteraction::resetRequested, this, &LossChart::fitAxes);
    connect(m_interaction, &ChartInteraction::logScaleChanged, this, &LossChart::setLogScale);
    reset(1, 10);
}

void LossChart::reset(int firstEpoch, int lastEpoch)
{
    m_firstEpoch = firstEpoch;
    m_lastEpoch = lastEpoch;
    m_axisFirst = firstEpoch;
    for (QLineSeries *s : {m_running, m_train, m_val, m_accuracy})
        s->clear();
    for (QLineSeries *s : m_earlier) {
        chart()->removeSeries(s);
        delete s;
    }
    m_earlier.clear();
    m_train->setName(tr("Train loss"));
    m_lossMax = 0;
    markKeptEpoch(0, false);
    fitEpochs(firstEpoch, lastEpoch);
    m_lossAxis->setRange(0, 1);
    m_lossLogAxis->setRange(0.01, 1);
}

QAbstractAxis *LossChart::lossAxis() const
{
    if (m_log)
        return m_lossLogAxis;
    return m_lossAxis;
}

QList<QLineSeries *> LossChart::lossSeries() const
{
    return QList<QLineSeries *>{m_running, m_train, m_val} + m_earlier;
}

void LossChart::fitEpochs(int first, int last)
{
    m_shownFirst = first;
    m_shownLast = last;
    chart()->zoomReset();
    fitEpochAxis(m_epochAxis, first, last);
}

void LossChart::fitAxes()
{
    fitEpochs(m_shownFirst, m_shownLast);
    m_accuracyAxis->setRange(0, 100);
    m_lossMax = 0;
    for (QLineSeries *s : lossSeries())
        for (const QPointF &p : s->points())
            if (s != m_running || p.x() >= m_firstEpoch - 1 + 0.25)
                m_lossMax = std::max(m_lossMax, p.y());
    setLossTop(m_lossMax > 0 ? m_lossMax : 1);
}

void LossChart::setLogScale(bool on)
{
    if (on == m_log)
        return;
    QAbstractAxis *from = lossAxis();
    m_log = on;
    QAbstractAxis *to = lossAxis();
    for (QLineSeries *s : lossSeries()) {
        s->detachAxis(from);
        s->attachAxis(to);
    }
    from->setVisible(false);
    to->setVisible(true);
    fitAxes();
}

void LossChart::setLossTop(double top)
{
    if (!m_log) {
        m_lossAxis->setRange(0, top * 1.1);
        m_lossAxis->applyNiceNumbers();
        return;
    }
    // A log axis cannot reach 0: from a little under the smallest positive loss.
    double bottom = top;
    for (QLineSeries *s : lossSeries())
        for (const QPointF &p : s->points())
            if (p.y() > 0 && std::isfinite(p.y()))
                bottom = std::min(bottom, p.y());
    if (!(bottom > 0))
        bottom = top > 0 ? top / 100 : 0.01;
    m_lossLogAxis->setRange(bottom * 0.8, std::max(top, bottom * 1.01) * 1.25);
}

void LossChart::markKeptEpoch(int epoch, bool final)
{
    m_keptEpoch = std::max(0, epoch);
    if (m_keptEpoch <= 0) {
        m_keptMarker->clear();
        m_keptMarker->setVisible(false);
        for (QLegendMarker *marker : chart()->legend()->markers(m_keptMarker))
            marker->setVisible(false);
        m_bestValLoss = std::numeric_limits<double>::quiet_NaN();
        return;
    }
    m_keptMarker->replace(QList<QPointF>{QPointF(m_keptEpoch, 0), QPointF(m_keptEpoch, 100)});
    m_keptMarker->setName(final ? tr("Kept: epoch %1").arg(m_keptEpoch) : tr("Best so far: epoch %1").arg(m_keptEpoch));
    m_keptMarker->setVisible(true);
    for (QLegendMarker *marker : chart()->legend()->markers(m_keptMarker))
        marker->setVisible(true);
}

void LossChart::beginPhase(const PhaseReport &phase)
{
    if (phase.kind == PhaseReport::Train) {
        reset(phase.firstEpoch, phase.lastEpoch);
        return;
    }
    // What the run before this one drew becomes a faint line: its validation loss (a fold's),
    // or its train loss when it had no validation.
    QLineSeries *source = m_val->count() > 0 ? m_val : m_train;
    if (source->count() > 0) {
        auto *earlier = new QLineSeries(chart());
        earlier->setObjectName(QStringLiteral("earlierRunSeries"));
        earlier->setName(m_earlier.isEmpty()
                             ? (phase.kind == PhaseReport::Refit && phase.folds == 0 ? tr("Validation run (val. loss)")
                                                                                     : tr("Earlier folds (val. loss)"))
                             : QString());
        QPen pen(QColor(0xe0, 0x6c, 0x1b, 90));
        pen.setWidthF(1.4);
        earlier->setPen(pen);
        earlier->replace(source->points());
        chart()->addSeries(earlier);
        earlier->attachAxis(m_epochAxis);
        earlier->attachAxis(lossAxis());
        // One legend entry for all the faint lines.
        if (!m_earlier.isEmpty())
            for (QLegendMarker *marker : chart()->legend()->markers(earlier))
                marker->setVisible(false);
        m_earlier.append(earlier);
    }
    for (QLineSeries *s : {m_running, m_train, m_val, m_accuracy})
        s->clear();
    m_train->setName(phase.kind == PhaseReport::Refit ? tr("Refit train loss (every pair)") : tr("Train loss"));
    m_firstEpoch = phase.firstEpoch;
    m_lastEpoch = phase.lastEpoch;
    m_axisFirst = phase.firstEpoch;
    markKeptEpoch(0, false); // each fold (and the refit) keeps an epoch of its own
    fitEpochs(phase.firstEpoch, phase.lastEpoch);
    chart()->setTitle(phase.kind == PhaseReport::Refit ? tr("Refit on every pair")
                                                       : tr("Fold %1 of %2").arg(phase.fold).arg(phase.folds));
}

void LossChart::fitToEpochs(int lastEpoch)
{
    fitEpochs(m_axisFirst, std::max(lastEpoch, m_firstEpoch));
}

void LossChart::showParent(const QList<QPointF> &trainLoss, const QList<QPointF> &valLoss)
{
    int first = m_firstEpoch;
    for (int which = 0; which < 2; ++which) {
        const QList<QPointF> &points = which ? valLoss : trainLoss;
        if (points.isEmpty())
            continue;
        auto *parent = new QLineSeries(chart());
        parent->setObjectName(QStringLiteral("parentRunSeries"));
        parent->setName(which ? tr("Continued run (val. loss)") : tr("Continued run (train loss)"));
        QPen pen(which ? QColor(0xe0, 0x6c, 0x1b, 110) : QColor(0x1f, 0x62, 0xc4, 110));
        pen.setWidthF(1.6);
        pen.setStyle(which ? Qt::DashLine : Qt::SolidLine);
        parent->setPen(pen);
        parent->replace(points);
        chart()->addSeries(parent);
        parent->attachAxis(m_epochAxis);
        parent->attachAxis(lossAxis());
        m_earlier.append(parent);
        for (const QPointF &p : points) {
            first = std::min(first, int(p.x()));
            growLossAxis(p.y());
        }
    }
    m_axisFirst = std::max(1, first);
    fitEpochs(m_axisFirst, m_lastEpoch);
}

void LossChart::growLossAxis(double value)
{
    if (!std::isfinite(value) || value <= m_lossMax)
        return;
    m_lossMax = value;
    setLossTop(value);
}

void LossChart::rescaleLossAxis()
{
    // The first batches of a fresh model have a loss far above the rest: once whole epochs are
    // known, scale to them (and to the running loss past the first epoch's first quarter), so
    // the curves are not squashed at the bottom; the early running points go off the top.
    double top = 0;
    for (QLineSeries *s : {m_train, m_val})
        for (const QPointF &p : s->points())
            top = std::max(top, p.y());
    for (const QPointF &p : m_running->points())
        if (p.x() >= m_firstEpoch - 1 + 0.25)
            top = std::max(top, p.y());
    if (top <= 0 || !std::isfinite(top))
        return;
    m_lossMax = top;
    setLossTop(top);
}

void LossChart::addEpoch(const EpochReport &report)
{
    // Non-finite values (a diverged epoch, no validation split) are left out of the lines.
    if (std::isfinite(report.trainLoss)) {
        m_train->append(report.epoch, report.trainLoss);
        growLossAxis(report.trainLoss);
    }
    if (std::isfinite(report.valLoss)) {
        m_val->append(report.epoch, report.valLoss);
        growLossAxis(report.valLoss);
        // The engine keeps the epoch of the lowest validation loss ("keep best"): show where it is.
        if (!report.refit && !(report.valLoss >= m_bestValLoss)) {
            m_bestValLoss = report.valLoss;
            markKeptEpoch(report.epoch, false);
        }
    }
    if (std::isfinite(report.valAccuracy))
        m_accuracy->append(report.epoch, 100.0 * report.valAccuracy);
    rescaleLossAxis();
}

void LossChart::addBatch(const BatchReport &report)
{
    if (!std::isfinite(report.runningLoss) || report.batches <= 0)
        return;
    const double x = report.epoch - 1 + double(report.batch) / double(report.batches);
    m_running->append(x, report.runningLoss);
    if (m_train->count() == 0 || x >= m_firstEpoch - 1 + 0.25)
        growLossAxis(report.runningLoss);
}

} // namespace ranker::ui
