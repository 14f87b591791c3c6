#include "ui/responsivenessprobe.h"

#include <algorithm>

namespace ranker::ui {

ResponsivenessProbe::ResponsivenessProbe(QObject *parent, int intervalMs) : QObject(parent), m_interval(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ResponsivenessProbe::tick);
}

void ResponsivenessProbe::start()
{
    m_maxGapNs = m_maxDelayNs = m_ticks = m_maxGapEndNs = 0;
    m_delaysMs.clear();
    m_clock.start();
    m_last = m_clock.nsecsElapsed();
    m_timer.start();
}

void ResponsivenessProbe::stop()
{
    m_timer.stop();
}

void ResponsivenessProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 gap = now - m_last;
    m_last = now;
    ++m_ticks;
    if (gap > m_maxGapNs) {
        m_maxGapNs = gap;
        m_maxGapEndNs = now;
    }
    m_maxDelayNs = std::max(m_maxDelayNs, gap - qint64(m_interval) * 1000000);
    m_delaysMs.push_back(float(std::max<qint64>(0, gap - qint64(m_interval) * 1000000)) / 1e6f);
}

double ResponsivenessProbe::delayPercentileMs(double percentile) const
{
    if (m_delaysMs.empty())
        return 0;
    std::vector<float> sorted = m_delaysMs;
    std::sort(sorted.begin(), sorted.end());
    const size_t index = std::min(sorted.size() - 1, size_t(percentile / 100.0 * double(sorted.size())));
    return sorted[index];
}

QString ResponsivenessProbe::summary() const
{
    const auto late = std::count_if(m_delaysMs.begin(), m_delaysMs.end(), [](float d) { return d > 50.0f; });
    return QStringLiteral("max %1 ms (ending at %6 ms), p99 %2 ms, median %3 ms, %4 of %5 ticks later than 50 ms")
        .arg(maxDelayMs(), 0, 'f', 1)
        .arg(delayPercentileMs(99), 0, 'f', 1)
        .arg(delayPercentileMs(50), 0, 'f', 1)
        .arg(late)
        .arg(m_ticks)
        .arg(maxGapEndMs(), 0, 'f', 0);
}

} // namespace ranker::ui
