#include "ui/history/chartinteraction.h"

#include <QAbstractAxis>
#include <QBrush>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QEvent>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QPen>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QWheelEvent>
#include <QXYSeries>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ranker::ui {

namespace {

/// A point further than this from the pointer (in pixels) is not "under" it.
constexpr double kHoverRadius = 24;

QString valueText(double value)
{
    return QString::number(value, 'g', 4);
}

} // namespace

ChartInteraction::ChartInteraction(QChartView *view) : QObject(view), m_view(view)
{
    setObjectName(QStringLiteral("chartInteraction"));
    // Drag a rectangle to zoom into it; right-click zooms out (QChartView's own handling).
    m_view->setRubberBand(QChartView::RectangleRubberBand);
    m_view->viewport()->setMouseTracking(true);
    m_view->viewport()->installEventFilter(this);
    m_view->installEventFilter(this);

    m_log = new QCheckBox(tr("Log scale"), m_view);
    m_log->setObjectName(QStringLiteral("logScale"));
    m_log->setToolTip(tr("Show the values on a logarithmic axis"));
    m_log->setAutoFillBackground(true);
    m_reset = new QToolButton(m_view);
    m_reset->setObjectName(QStringLiteral("resetZoom"));
    m_reset->setText(tr("Reset zoom"));
    m_reset->setToolTip(tr("Show every epoch again (double-click the chart does it too); drag a rectangle or "
                           "turn the wheel to zoom"));
    m_reset->setEnabled(false);
    connect(m_log, &QCheckBox::toggled, this, [this](bool on) { Q_EMIT logScaleChanged(on); });
    connect(m_reset, &QToolButton::clicked, this, &ChartInteraction::resetZoom);
    // A rubber-band zoom shows up as a changed plot area or axis range: note it for the button.
    connect(m_view->chart(), &QChart::plotAreaChanged, this, [this] { placeControls(); });

    // Room above the title for the controls: in a narrow chart they would cover it.
    QMargins margins = m_view->chart()->margins();
    margins.setTop(std::max(margins.top(), m_reset->sizeHint().height() + 2));
    m_view->chart()->setMargins(margins);

    m_label = new QGraphicsSimpleTextItem;
    m_label->setZValue(100);
    m_label->setBrush(QBrush(QColor(0x20, 0x20, 0x20)));
    m_label->setVisible(false);
    m_view->chart()->scene()->addItem(m_label);
    placeControls();
}

bool ChartInteraction::logScale() const
{
    return m_log->isChecked();
}

void ChartInteraction::setLogScale(bool on)
{
    m_log->setChecked(on);
}

void ChartInteraction::placeControls()
{
    // Top right, over the chart's margin: the title and legend keep their place.
    const QSize log = m_log->sizeHint(), reset = m_reset->sizeHint();
    const int right = m_view->width() - 6;
    m_reset->setGeometry(right - reset.width(), 2, reset.width(), reset.height());
    m_log->setGeometry(right - reset.width() - 8 - log.width(), 2 + (reset.height() - log.height()) / 2, log.width(),
                       log.height());
    m_log->raise();
    m_reset->raise();
}

void ChartInteraction::hoverAt(const QPointF &viewportPos)
{
    QChart *chart = m_view->chart();
    const QPointF scenePos = m_view->mapToScene(viewportPos.toPoint());
    const QPointF chartPos = chart->mapFromScene(scenePos);
    double best = kHoverRadius * kHoverRadius;
    const QXYSeries *found = nullptr;
    QPointF value, at;
    if (chart->plotArea().adjusted(-kHoverRadius, -kHoverRadius, kHoverRadius, kHoverRadius).contains(chartPos)) {
        for (QAbstractSeries *series : chart->series()) {
            auto *xy = qobject_cast<QXYSeries *>(series);
            if (!xy || !xy->isVisible() || xy->attachedAxes().size() < 2 || xy->property(kNoHover).toBool())
                continue;
            for (const QPointF &p : xy->points()) {
                if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
                    continue;
                const QPointF pos = chart->mapToPosition(p, xy);
                if (!chart->plotArea().adjusted(-1, -1, 1, 1).contains(pos))
                    continue;
                const double dx = pos.x() - chartPos.x(), dy = pos.y() - chartPos.y();
                if (dx * dx + dy * dy < best) {
                    best = dx * dx + dy * dy;
                    found = xy;
                    value = p;
                    at = pos;
                }
            }
        }
    }
    if (!found) {
        m_hoverText.clear();
        m_label->setVisible(false);
        QToolTip::hideText();
        return;
    }
    const QString name = found->name().isEmpty() ? tr("value") : found->name();
    // Whole epochs are shown as such; running points inside an epoch with their fraction.
    const QString epoch =
        value.x() == std::floor(value.x()) ? QString::number(qint64(value.x())) : QString::number(value.x(), 'f', 2);
    m_hoverText = tr("%1 · epoch %2: %3").arg(name, epoch, valueText(value.y()));
    m_label->setText(m_hoverText);
    const QRectF box = m_label->boundingRect();
    QPointF pos = chart->mapToScene(at) + QPointF(8, -box.height() - 4);
    const QRectF plot = chart->mapRectToScene(chart->plotArea());
    if (pos.x() + box.width() > plot.right())
        pos.setX(plot.right() - box.width());
    if (pos.y() < plot.top())
        pos.setY(plot.top());
    m_label->setPos(pos);
    m_label->setVisible(true);
    QToolTip::showText(m_view->viewport()->mapToGlobal(viewportPos.toPoint()), m_hoverText, m_view->viewport());
}

QRectF ChartInteraction::visibleRange() const
{
    // The data the plot area shows: its corners mapped back through the first series' axes.
    const QList<QAbstractSeries *> series = m_view->chart()->series();
    if (series.isEmpty())
        return {};
    const QRectF plot = m_view->chart()->plotArea();
    return QRectF(m_view->chart()->mapToValue(plot.topLeft(), series.first()),
                  m_view->chart()->mapToValue(plot.bottomRight(), series.first()));
}

void ChartInteraction::zoom(double factor)
{
    if (!(factor > 0) || factor == 1)
        return;
    m_view->chart()->zoom(factor);
    m_zoomed = true;
    m_reset->setEnabled(true);
}

void ChartInteraction::resetZoom()
{
    m_zoomed = false;
    m_reset->setEnabled(false);
    Q_EMIT resetRequested();
}

bool ChartInteraction::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view) {
        if (event->type() == QEvent::Resize)
            placeControls();
        return false;
    }
    switch (event->type()) {
    case QEvent::MouseMove:
        hoverAt(static_cast<QMouseEvent *>(event)->position());
        break;
    case QEvent::Leave:
        m_hoverText.clear();
        m_label->setVisible(false);
        break;
    case QEvent::MouseButtonRelease: {
        // The rubber band (left) or the zoom out (right) changes the range once QChartView has
        // handled the release: look then, so a plain click does not count as a zoom.
        const QRectF before = visibleRange();
        QTimer::singleShot(0, this, [this, before] {
            if (visibleRange() != before) {
                m_zoomed = true;
                m_reset->setEnabled(true);
            }
        });
        break;
    }
    case QEvent::MouseButtonDblClick:
        resetZoom();
        return true;
    case QEvent::Wheel: {
        const int delta = static_cast<QWheelEvent *>(event)->angleDelta().y();
        if (delta != 0)
            zoom(delta > 0 ? 1.25 : 0.8);
        return true;
    }
    default:
        break;
    }
    return false;
}

} // namespace ranker::ui
