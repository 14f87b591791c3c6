#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

namespace ranker {
struct RunSummary;
}

namespace ranker::ui {

/**
 * Settings against the validation figure, W&B / TensorBoard HParams style: one vertical axis per
 * setting that differs between the runs (the learning rate on a log axis when it spans 10× or
 * more, text settings with evenly spaced values), a last axis for the figure the History ranks by
 * (validation or CV on held-out data, never the test file), one line per run coloured by that
 * figure, the best run drawn thick. The pointer over a line names the run and its values.
 */
class ParallelCoordinatesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ParallelCoordinatesView)

public:
    explicit ParallelCoordinatesView(QWidget *parent = nullptr);

    void setRuns(const std::vector<const RunSummary *> &runs);

    int axisCount() const { return int(m_axes.size()); }
    int lineCount() const { return int(m_runs.size()); }
    QString axisLabel(int axis) const;
    bool axisIsLog(int axis) const;
    /// The tick labels of `axis`, bottom to top.
    QStringList axisTicks(int axis) const;
    /// The run drawn highlighted (the best by the figure), -1 when none has one.
    int bestRun() const { return m_best; }
    QString runName(int run) const;
    /// Where run `run` crosses `axis`, in widget coordinates.
    QPointF pointOf(int run, int axis) const;
    /// The run under the pointer (-1: none) and what the tooltip says of it.
    int hoveredRun() const { return m_hovered; }
    QString hoverText() const { return m_hoverText; }
    /// What a mouse move at `pos` does.
    void hoverAt(const QPointF &pos);
    /// The line's colour for a figure (0..1 of the figure axis' range).
    static QColor figureColor(double t);

    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Axis
    {
        QString label;
        bool figure = false; ///< the validation axis
        bool numeric = true;
        bool log = false;
        double min = 0, max = 1;      ///< numeric range (log10 of it when log)
        QStringList categories;       ///< text axes: values bottom to top
        std::vector<double> position; ///< per run: 0 (bottom) .. 1 (top); NaN = missing
        std::vector<QString> text;    ///< per run: the value as shown
        QStringList ticks;
        std::vector<double> tickPosition;
    };
    struct Run
    {
        QString name;
        double figure = 0; ///< share, NaN when none
    };

    QRectF plotRect() const;
    double axisX(int axis) const;
    double valueY(double position) const;
    QString tooltipOf(int run) const;

    std::vector<Axis> m_axes;
    std::vector<Run> m_runs;
    QString m_figureLabel;
    int m_best = -1;
    int m_hovered = -1;
    QString m_hoverText;
    QString m_message; ///< shown instead of lines ("nothing differs", "no runs")
};

} // namespace ranker::ui
