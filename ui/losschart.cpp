#include "ui/losschart.h"

#include "ui/chartaxes.h"

#include "core/trainer.h"

#include <QChart>
#include <QColor>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

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
    fitEpochAxis(m_epochAxis, firstEpoch, lastEpoch);
    m_lossAxis->setRange(0, 1);
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
        earlier->attachAxis(m_lossAxis);
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
    fitEpochAxis(m_epochAxis, phase.firstEpoch, phase.lastEpoch);
    chart()->setTitle(phase.kind == PhaseReport::Refit ? tr("Refit on every pair")
                                                       : tr("Fold %1 of %2").arg(phase.fold).arg(phase.folds));
}

void LossChart::fitToEpochs(int lastEpoch)
{
    fitEpochAxis(m_epochAxis, m_axisFirst, std::max(lastEpoch, m_firstEpoch));
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
        parent->attachAxis(m_lossAxis);
        m_earlier.append(parent);
        for (const QPointF &p : points) {
            first = std::min(first, int(p.x()));
            growLossAxis(p.y());
        }
    }
    m_axisFirst = std::max(1, first);
    fitEpochAxis(m_epochAxis, m_axisFirst, m_lastEpoch);
}

void LossChart::growLossAxis(double value)
{
    if (!std::isfinite(value) || value <= m_lossMax)
        return;
    m_lossMax = value;
    m_lossAxis->setRange(0, value * 1.1);
    m_lossAxis->applyNiceNumbers();
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
    m_lossAxis->setRange(0, top * 1.1);
    m_lossAxis->applyNiceNumbers();
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
