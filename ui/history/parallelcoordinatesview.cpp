#include "ui/history/parallelcoordinatesview.h"

#include "core/run_history.h"
#include "ui/history/bestrun.h"
#include "ui/history/elidedtext.h"
#include "ui/numberformat.h"

#include <QFileInfo>
#include <QFontMetrics>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace ranker::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// A line further than this from the pointer (pixels) is not under it.
constexpr double kHoverDistance = 6;
/// Room under each axis for the runs that lack its setting ("–").
constexpr double kMissingGap = 18;

/// Settings that describe the machine or the data, not the model: not axes.
bool isAxisField(const ComparisonField &field)
{
    static const std::set<std::string> skipped = {"dataset", "dataset_sha256", "device", "threads"};
    return field.hyperparameter && skipped.count(field.key) == 0;
}

double distanceToSegment(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF d = b - a;
    const double length2 = d.x() * d.x() + d.y() * d.y();
    double t = length2 > 0 ? ((p.x() - a.x()) * d.x() + (p.y() - a.y()) * d.y()) / length2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF q = a + t * d - p;
    return std::sqrt(q.x() * q.x() + q.y() * q.y());
}

QString numberText(double value)
{
    return QString::number(value, 'g', 4);
}

} // namespace

ParallelCoordinatesView::ParallelCoordinatesView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setMinimumSize(minimumSizeHint());
    m_message = tr("Select runs in the list to see their settings against validation accuracy.");
}

QSize ParallelCoordinatesView::minimumSizeHint() const
{
    return QSize(260, 200);
}

QColor ParallelCoordinatesView::figureColor(double t)
{
    if (!std::isfinite(t))
        return QColor(0x9a, 0xa5, 0xb1);
    // Low red, middle amber, high green: the winner reads as "good" at a glance.
    t = std::clamp(t, 0.0, 1.0);
    const QColor low(0xd7, 0x30, 0x27), mid(0xf2, 0xa3, 0x1b), high(0x1a, 0x98, 0x50);
    const QColor &a = t < 0.5 ? low : mid, &b = t < 0.5 ? mid : high;
    const double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * u),
                            float(a.greenF() + (b.greenF() - a.greenF()) * u),
                            float(a.blueF() + (b.blueF() - a.blueF()) * u));
}

void ParallelCoordinatesView::setRuns(const std::vector<const RunSummary *> &input)
{
    std::vector<const RunSummary *> runs;
    for (const RunSummary *run : input)
        if (run && !run->broken)
            runs.push_back(run);
    m_axes.clear();
    m_runs.clear();
    m_hovered = -1;
    m_hoverText.clear();
    m_best = -1;
    QStringList names;
    for (const RunSummary *run : runs)
        names << elidedText(run->displayName());
    for (size_t i = 0; i < runs.size(); ++i) {
        // Trials of a sweep share their model name: the folder tells them apart.
        const QString &name = names.at(int(i));
        const QString folder = QFileInfo(QString::fromStdString(runs[i]->folder)).fileName();
        m_runs.push_back({names.count(name) > 1 ? QStringLiteral("%1 (%2)").arg(name, folder) : name,
                          runs[i]->selection.kind != QualityFigure::None ? runs[i]->selection.accuracy : kNaN});
    }
    const auto &fields = comparisonFields();
    QStringList shared;
    for (size_t f = 0; f < fields.size(); ++f) {
        if (!isAxisField(fields[f]))
            continue;
        Axis axis;
        axis.label = tr(fields[f].label);
        axis.numeric = fields[f].numeric;
        if (axis.numeric) {
            std::vector<double> values;
            std::set<double> distinct;
            for (const RunSummary *run : runs) {
                const double v = f < run->fieldNumber.size() ? run->fieldNumber[f] : kNaN;
                values.push_back(v);
                if (std::isfinite(v))
                    distinct.insert(v);
            }
            if (distinct.size() < 2) {
                // The same in every run (or in none): no axis, a word under the chart instead.
                if (distinct.size() == 1)
                    shared << QStringLiteral("%1 %2").arg(axis.label, numberText(*distinct.begin()));
                continue;
            }
            const double lo = *distinct.begin(), hi = *distinct.rbegin();
            const std::string key = fields[f].key;
            // Learning rates (and weight decays) are tried by decades: evenly spaced on a log axis.
            axis.log = (key == "learning_rate" || key == "weight_decay") && lo > 0 && hi / lo >= 10;
            auto scale = [&axis](double v) { return axis.log ? std::log10(v) : v; };
            axis.min = scale(lo);
            axis.max = scale(hi);
            for (double v : values) {
                axis.position.push_back(std::isfinite(v) ? (scale(v) - axis.min) / (axis.max - axis.min) : kNaN);
                axis.text.push_back(std::isfinite(v) ? numberText(v) : QStringLiteral("–"));
            }
            if (distinct.size() <= 6) {
                for (double v : distinct) {
                    axis.ticks << numberText(v);
                    axis.tickPosition.push_back((scale(v) - axis.min) / (axis.max - axis.min));
                }
            } else {
                for (int i = 0; i <= 4; ++i) {
                    const double s = axis.min + (axis.max - axis.min) * i / 4;
                    axis.ticks << numberText(axis.log ? std::pow(10.0, s) : s);
                    axis.tickPosition.push_back(i / 4.0);
                }
            }
        } else {
            std::set<QString> distinct;
            std::vector<QString> values;
            for (const RunSummary *run : runs) {
                const QString v = f < run->fieldText.size() ? elidedText(run->fieldText[f]) : QString();
                values.push_back(v);
                if (!v.isEmpty())
                    distinct.insert(v);
            }
            if (distinct.size() < 2) {
                if (distinct.size() == 1)
                    shared << QStringLiteral("%1 %2").arg(axis.label, *distinct.begin());
                continue;
            }
            // Text values evenly spaced, in sorted order.
            axis.categories = QStringList(distinct.begin(), distinct.end());
            const double n = double(axis.categories.size() - 1);
            for (int i = 0; i < axis.categories.size(); ++i) {
                axis.ticks << axis.categories.at(i);
                axis.tickPosition.push_back(i / n);
            }
            for (const QString &v : values) {
                axis.position.push_back(v.isEmpty() ? kNaN : axis.categories.indexOf(v) / n);
                axis.text.push_back(v.isEmpty() ? QStringLiteral("–") : v);
            }
        }
        m_axes.push_back(std::move(axis));
    }

    // The figure the History ranks by, last.
    Axis figure;
    figure.figure = true;
    figure.label = tr("Validation accuracy");
    double lo = kNaN, hi = kNaN;
    for (const Run &run : m_runs)
        if (std::isfinite(run.figure)) {
            lo = std::isfinite(lo) ? std::min(lo, run.figure) : run.figure;
            hi = std::isfinite(hi) ? std::max(hi, run.figure) : run.figure;
        }
    figure.min = lo;
    figure.max = hi;
    for (const Run &run : m_runs) {
        double position = kNaN;
        if (std::isfinite(run.figure))
            position = hi > lo ? (run.figure - lo) / (hi - lo) : 0.5; // one value: centred
        figure.position.push_back(position);
        figure.text.push_back(percentText(run.figure));
    }
    if (std::isfinite(lo) && hi > lo) {
        for (int i = 0; i <= 4; ++i) {
            figure.ticks << percentText(lo + (hi - lo) * i / 4);
            figure.tickPosition.push_back(i / 4.0);
        }
    } else if (std::isfinite(lo)) {
        figure.ticks << percentText(lo);
        figure.tickPosition.push_back(0.5);
    }
    m_axes.push_back(std::move(figure));
    m_best = bestRunIndex(runs, [](const RunSummary *run) -> const RunSummary & { return *run; });

    if (m_runs.empty())
        m_message = tr("Select runs in the list to see their settings against validation accuracy.");
    else if (m_axes.size() == 1)
        m_message = m_runs.size() == 1 ? tr("One run: select more to see which settings win.")
                                       : tr("No setting differs between these %n runs.", nullptr, int(m_runs.size()));
    else
        m_message.clear();
    if (!shared.isEmpty())
        m_message += (m_message.isEmpty() ? QString() : QStringLiteral("  ")) +
                     tr("Same in all: %1").arg(shared.join(QStringLiteral(", ")));
    update();
}

QString ParallelCoordinatesView::axisLabel(int axis) const
{
    return axis >= 0 && axis < axisCount() ? m_axes[size_t(axis)].label : QString();
}

bool ParallelCoordinatesView::axisIsLog(int axis) const
{
    return axis >= 0 && axis < axisCount() && m_axes[size_t(axis)].log;
}

QStringList ParallelCoordinatesView::axisTicks(int axis) const
{
    return axis >= 0 && axis < axisCount() ? m_axes[size_t(axis)].ticks : QStringList();
}

QString ParallelCoordinatesView::runName(int run) const
{
    return run >= 0 && run < lineCount() ? m_runs[size_t(run)].name : QString();
}

QRectF ParallelCoordinatesView::plotRect() const
{
    const QFontMetrics fm = fontMetrics();
    // Labels over the axes; room for the first axis' ticks on the left, the last's on the right;
    // the "missing" slot and a line of text underneath.
    // The note under the chart wraps in a narrow window: keep its lines clear of the axes.
    const int note =
        m_message.isEmpty()
            ? fm.height()
            : fm.boundingRect(QRect(0, 0, std::max(40, width() - 12), 10000), Qt::TextWordWrap, m_message).height();
    return QRectF(rect()).adjusted(fm.horizontalAdvance(QStringLiteral("0.0001")) + 14, 2 * fm.height() + 8,
                                   -(fm.horizontalAdvance(QStringLiteral("100.0 %")) + 14),
                                   -(kMissingGap + note + fm.height() / 2.0 + 6));
}

double ParallelCoordinatesView::axisX(int axis) const
{
    const QRectF plot = plotRect();
    if (axisCount() <= 1)
        return plot.center().x();
    return plot.left() + plot.width() * axis / (axisCount() - 1);
}

double ParallelCoordinatesView::valueY(double position) const
{
    const QRectF plot = plotRect();
    if (!std::isfinite(position))
        return plot.bottom() + kMissingGap;
    return plot.bottom() - position * plot.height();
}

QPointF ParallelCoordinatesView::pointOf(int run, int axis) const
{
    if (run < 0 || run >= lineCount() || axis < 0 || axis >= axisCount())
        return {};
    return QPointF(axisX(axis), valueY(m_axes[size_t(axis)].position[size_t(run)]));
}

QString ParallelCoordinatesView::tooltipOf(int run) const
{
    QStringList lines;
    lines << (run == m_best ? QStringLiteral("★ %1 (best)").arg(m_runs[size_t(run)].name) : m_runs[size_t(run)].name);
    for (const Axis &axis : m_axes)
        lines << QStringLiteral("%1: %2").arg(axis.label, axis.text[size_t(run)]);
    return lines.join(QLatin1Char('\n'));
}

void ParallelCoordinatesView::hoverAt(const QPointF &pos)
{
    int found = -1;
    double nearest = kHoverDistance;
    for (int r = 0; r < lineCount(); ++r) {
        for (int a = 0; a < axisCount(); ++a) {
            const QPointF p = pointOf(r, a);
            const double d =
                a + 1 < axisCount() ? distanceToSegment(pos, p, pointOf(r, a + 1)) : distanceToSegment(pos, p, p);
            if (d <= nearest) {
                nearest = d;
                found = r;
            }
        }
    }
    if (found != m_hovered) {
        m_hovered = found;
        update();
    }
    m_hoverText = found >= 0 ? tooltipOf(found) : QString();
    if (found >= 0)
        QToolTip::showText(mapToGlobal(pos.toPoint()), m_hoverText, this);
    else
        QToolTip::hideText();
}

void ParallelCoordinatesView::mouseMoveEvent(QMouseEvent *event)
{
    hoverAt(event->position());
}

void ParallelCoordinatesView::leaveEvent(QEvent *)
{
    m_hovered = -1;
    m_hoverText.clear();
    update();
}

void ParallelCoordinatesView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const QRectF plot = plotRect();
    const QColor text = palette().color(QPalette::Text);
    const QColor faint = palette().color(QPalette::Mid);

    if (!m_message.isEmpty()) {
        p.setPen(text);
        p.drawText(QRectF(rect()).adjusted(6, 0, -6, -4), Qt::AlignBottom | Qt::AlignLeft | Qt::TextWordWrap,
                   m_message);
    }
    if (m_runs.empty())
        return;

    // Axes, their names and ticks.
    const double spacing = axisCount() > 1 ? plot.width() / (axisCount() - 1) : plot.width();
    for (int a = 0; a < axisCount(); ++a) {
        const Axis &axis = m_axes[size_t(a)];
        const double x = axisX(a);
        p.setPen(QPen(axis.figure ? text : faint, axis.figure ? 2 : 1.2));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(text);
        const QString label = axis.log ? tr("%1 (log)").arg(axis.label) : axis.label;
        const double titleWidth = std::max(40.0, spacing - 6);
        const QString shown = QFontMetrics(bold).elidedText(label, Qt::ElideRight, int(titleWidth));
        // Centred over its axis, kept inside the widget (the first and last axes' names too).
        QRectF title(x - titleWidth / 2, 2, titleWidth, 2 * fm.height() + 4);
        const double shownWidth = QFontMetrics(bold).horizontalAdvance(shown);
        title = QRectF(x - shownWidth / 2, title.top(), shownWidth, title.height());
        if (title.left() < 2)
            title.moveLeft(2);
        if (title.right() > width() - 2)
            title.moveRight(width() - 2);
        p.drawText(title, Qt::AlignHCenter | Qt::AlignBottom, shown);
        p.setFont(font());
        const bool right = a == axisCount() - 1 && axisCount() > 1; // the last axis' ticks outside
        for (int t = 0; t < int(axis.ticks.size()); ++t) {
            const double y = valueY(axis.tickPosition[size_t(t)]);
            p.setPen(QPen(faint, 1));
            p.drawLine(QPointF(x - 3, y), QPointF(x + 3, y));
            p.setPen(text);
            const double tickWidth = std::min(spacing / 2 - 4, 120.0);
            const QString tick = fm.elidedText(axis.ticks.at(t), Qt::ElideMiddle, int(std::max(30.0, tickWidth)));
            const QRectF box = right ? QRectF(x + 6, y - fm.height() / 2.0, tickWidth + 60, fm.height())
                                     : QRectF(x - 6 - tickWidth, y - fm.height() / 2.0, tickWidth, fm.height());
            p.drawText(box, (right ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, tick);
        }
        bool anyMissing = false;
        for (double position : axis.position)
            anyMissing = anyMissing || !std::isfinite(position);
        if (anyMissing) {
            p.setPen(faint);
            p.drawText(QRectF(x - 20, plot.bottom() + kMissingGap - fm.height() / 2.0, 40, fm.height()),
                       Qt::AlignCenter, QStringLiteral("–"));
        }
    }

    // Lines: the best and the hovered one last, on top.
    std::vector<int> order;
    for (int r = 0; r < lineCount(); ++r)
        if (r != m_best && r != m_hovered)
            order.push_back(r);
    if (m_best >= 0 && m_best != m_hovered)
        order.push_back(m_best);
    if (m_hovered >= 0)
        order.push_back(m_hovered);
    const Axis &figure = m_axes.back();
    for (int r : order) {
        QPainterPath path(pointOf(r, 0));
        for (int a = 1; a < axisCount(); ++a)
            path.lineTo(pointOf(r, a));
        QColor color = figureColor(figure.position[size_t(r)]);
        const bool best = r == m_best, hovered = r == m_hovered;
        if (!best && !hovered && m_best >= 0)
            color.setAlphaF(0.75f);
        if (best || hovered) {
            // A dark edge under the line keeps it apart from the others.
            p.setPen(QPen(QColor(0x20, 0x20, 0x20), best ? 6 : 4.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.drawPath(path);
        }
        p.setPen(QPen(color, best ? 4 : hovered ? 3 : 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPath(path);
        p.setBrush(color);
        for (int a = 0; a < axisCount(); ++a)
            p.drawEllipse(pointOf(r, a), best ? 3.5 : 2.5, best ? 3.5 : 2.5);
        p.setBrush(Qt::NoBrush);
    }
    if (m_best >= 0 && axisCount() > 1) {
        // Named on its last stretch, clear of the axis titles above.
        const QPointF a = pointOf(m_best, axisCount() - 2), b = pointOf(m_best, axisCount() - 1);
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        const QString label = tr("★ best");
        const QFontMetrics bm(bold);
        const QPointF mid = (a + b) / 2;
        QRectF box(mid.x() - bm.horizontalAdvance(label) / 2.0 - 3, mid.y() - bm.height() - 4,
                   bm.horizontalAdvance(label) + 6, bm.height() + 2);
        if (box.top() < plot.top())
            box.moveTop(mid.y() + 6); // a line along the top: the label under it

        p.fillRect(box, palette().color(QPalette::Base));
        p.setPen(text);
        p.drawText(box, Qt::AlignCenter, label);
        p.setFont(font());
    }
}

} // namespace ranker::ui
