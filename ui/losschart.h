#pragma once

#include <QChartView>

class QAbstractAxis;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace ranker {
struct EpochReport;
struct BatchReport;
struct PhaseReport;
} // namespace ranker

namespace ranker::ui {

class ChartInteraction;

/// Train and validation loss per epoch, validation accuracy on a second axis, and the running
/// loss of the epoch in progress, so the chart moves within a long epoch.
class LossChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LossChart)

public:
    explicit LossChart(QWidget *parent = nullptr);

    /// Clears the chart for a run of epochs `firstEpoch`..`lastEpoch`.
    void reset(int firstEpoch, int lastEpoch);
    /// A new training run of the same experiment: a cross-validation fold or the refit. The
    /// curves so far stay, faint (each earlier fold's validation loss); the new run draws anew.
    void beginPhase(const ranker::PhaseReport &phase);
    /// The faint curves of earlier folds (validation loss) and of the validation run before a refit.
    const QList<QLineSeries *> &earlierRuns() const { return m_earlier; }
    void addEpoch(const ranker::EpochReport &report);
    /// A resumed run: its parent's epochs (before this run's first), drawn faint ahead of the new
    /// ones, the axis from the parent's first epoch. Cleared by reset().
    void showParent(const QList<QPointF> &trainLoss, const QList<QPointF> &valLoss);
    /// Fits the epoch axis to the epochs that ran (after a stop): up to `lastEpoch`.
    void fitToEpochs(int lastEpoch);
    void addBatch(const ranker::BatchReport &report);

    /// Marks the epoch whose weights were kept (a vertical line and its label in the legend):
    /// while training the best validation epoch so far, at the end the run's kept epoch.
    /// 0 hides the marker.
    void markKeptEpoch(int epoch, bool final);
    int keptEpoch() const { return m_keptEpoch; }
    QLineSeries *keptEpochMarker() const { return m_keptMarker; }

    /// Hover values, zoom and the log-scale box.
    ChartInteraction *interaction() const { return m_interaction; }
    /// The axis the losses are drawn on now: linear, or logarithmic with "Log scale".
    QAbstractAxis *lossAxis() const;
    QValueAxis *epochAxis() const { return m_epochAxis; }
    /// Fits both axes to the curves again (what the reset of a zoom does).
    void fitAxes();

    QLineSeries *trainLoss() const { return m_train; }
    QLineSeries *valLoss() const { return m_val; }
    QLineSeries *valAccuracy() const { return m_accuracy; }
    QLineSeries *runningLoss() const { return m_running; }

private:
    void growLossAxis(double value);
    void rescaleLossAxis();
    void setLossTop(double top);
    void setLogScale(bool on);
    void fitEpochs(int first, int last);
    QList<QLineSeries *> lossSeries() const;

    QLineSeries *m_train = nullptr;
    QLineSeries *m_val = nullptr;
    QLineSeries *m_accuracy = nullptr;
    QLineSeries *m_running = nullptr;
    QList<QLineSeries *> m_earlier;
    QValueAxis *m_epochAxis = nullptr;
    QValueAxis *m_lossAxis = nullptr;
    QValueAxis *m_accuracyAxis = nullptr;
    QLogValueAxis *m_lossLogAxis = nullptr;
    QLineSeries *m_keptMarker = nullptr;
    ChartInteraction *m_interaction = nullptr;
    bool m_log = false;
    int m_keptEpoch = 0;
    double m_bestValLoss = 0;              ///< the lowest validation loss of this phase (NaN: none yet)
    int m_shownFirst = 1, m_shownLast = 1; ///< the epochs fitEpochAxis() was last given
    double m_lossMax = 0;
    int m_firstEpoch = 1;
    int m_lastEpoch = 1;
    int m_axisFirst = 1; ///< the axis' first epoch: m_firstEpoch, or 1 with a parent drawn
};

} // namespace ranker::ui
