#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace ranker::ui {

/// Measures how late the GUI thread's event loop runs: a timer ticks every `interval` ms and the
/// probe records the worst gap beyond it. A gap is time the window could not repaint or react.
class ResponsivenessProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResponsivenessProbe)

public:
    explicit ResponsivenessProbe(QObject *parent = nullptr, int intervalMs = 10);

    void start();
    void stop();
    /// The longest time between two ticks, minus the interval, in ms.
    double maxDelayMs() const { return m_maxDelayNs / 1e6; }
    /// The longest gap, in ms, as measured (interval included).
    double maxGapMs() const { return m_maxGapNs / 1e6; }
    qint64 ticks() const { return m_ticks; }
    /// When the longest gap ended, in ms since start().
    double maxGapEndMs() const { return m_maxGapEndNs / 1e6; }
    /// Delays beyond the interval, in ms, one per tick: for percentiles.
    double delayPercentileMs(double percentile) const;
    /// "max 12.3 ms, p99 4.5 ms, 0 ticks later than 50 ms (of 1234)"
    QString summary() const;

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxGapNs = 0;
    qint64 m_maxDelayNs = 0;
    qint64 m_maxGapEndNs = 0;
    qint64 m_ticks = 0;
    std::vector<float> m_delaysMs;
    int m_interval = 10;
};

} // namespace ranker::ui
