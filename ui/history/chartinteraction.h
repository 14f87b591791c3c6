#pragma once

#include <QObject>
#include <QPointF>
#include <QRectF>
#include <QString>

class QChartView;
class QCheckBox;
class QGraphicsSimpleTextItem;
class QToolButton;

namespace ranker::ui {

/// A series with this property set to true (a marker line) is left out of the hover values.
inline constexpr const char *kNoHover = "rankerNoHover";

/**
 * What every loss chart does with the mouse (issue 14): the value of the nearest point under the
 * pointer (a label in the chart and a tooltip), zoom with the wheel or a dragged rectangle, a
 * reset (double-click or the "Reset zoom" button) and a "Log scale" check box for the value
 * axis. The chart's owner does the reset and the log switch (it knows its axes: the epoch ticks
 * come back from fitEpochAxis()); this object asks for them with its signals.
 */
class ChartInteraction final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartInteraction)

public:
    /// Attaches to `view` (and becomes its child, objectName "chartInteraction").
    explicit ChartInteraction(QChartView *view);

    bool logScale() const;
    void setLogScale(bool on);
    /// "Train loss · epoch 3: 0.5123", or empty when the pointer is near no point.
    QString hoverText() const { return m_hoverText; }
    /// Shows the nearest point's value for `viewportPos`; what a mouse move does.
    void hoverAt(const QPointF &viewportPos);
    /// Zooms in (factor > 1) or out around the plot's centre; what the wheel does.
    void zoom(double factor);
    bool zoomed() const { return m_zoomed; }
    /// Asks the owner to fit the axes again.
    void resetZoom();

Q_SIGNALS:
    void resetRequested();
    void logScaleChanged(bool on);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void placeControls();
    QRectF visibleRange() const;

    QChartView *m_view = nullptr;
    QCheckBox *m_log = nullptr;
    QToolButton *m_reset = nullptr;
    QGraphicsSimpleTextItem *m_label = nullptr;
    QString m_hoverText;
    bool m_zoomed = false;
};

} // namespace ranker::ui
