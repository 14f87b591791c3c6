#pragma once
// The Train place's Sweep tab: pick settings and their values, see how many trials that makes,
// start, stop and resume a sweep, and watch its trials ranked as they finish (core/training/sweep.h;
// each trial is a ranker-train process writing an ordinary run folder inside the sweep's folder).

#include "core/trainer.h"
#include "core/training/sweep.h"

#include <QString>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QThread;

namespace ranker::ui {

class SweepPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SweepPanel)

public:
    /// What a sweep trains on: the Train place's dataset and form.
    struct Source
    {
        QString datasetPath;
        QString embeddingsPath;
        int embeddingDim = 0;
        QString testPath;
        ranker::TrainConfig base; ///< the form: every setting a trial does not vary
        QString workspace;        ///< the sweep folder goes into WORKSPACE/runs
    };

    explicit SweepPanel(std::function<Source()> source, QWidget *parent = nullptr);
    ~SweepPanel() override;

    /// The ranker-train the trials run: beside the studio, else the build tree's, else on PATH.
    static QString trainerPath();

    /// The editor's settings as sweep parameters. @throw Error naming the row that is wrong.
    std::vector<ranker::SweepParameter> parameters() const;
    /// Replaces the editor's rows with `parameters` (values only: ranges are written low:high[:log]).
    void setParameters(const std::vector<ranker::SweepParameter> &parameters);
    bool isRunning() const { return m_thread != nullptr; }
    QString sweepFolder() const { return m_folder; }

public Q_SLOTS:
    void startSweep();
    void stopSweep();
    /// Continues the last stopped sweep (its sweep.json decides the trials; finished ones stay).
    void resumeSweep();

Q_SIGNALS:
    void sweepStarted();
    /// The sweep ended (finished, stopped or failed); its folder holds sweep.json and the trials.
    void sweepFinished(const QString &folder, bool stopped);
    /// "Use best": the best trial's full settings, for the Train form.
    void useBestRequested(const ranker::TrainConfig &config);

private:
    void addRow(const QString &key = {}, const QString &values = {});
    void updateCount();
    void updateButtons();
    void run(bool resume);
    void onTrialsKnown(int trials, int parallel);
    void onTrialStatus(int index, const QString &status);
    void onRanking(const std::vector<ranker::TrialResult> &ranking);
    void onEnded(bool stopped, const QString &error);
    void useBest();

    std::function<Source()> m_source;
    QTableWidget *m_params = nullptr;
    QSpinBox *m_random = nullptr;
    QLabel *m_count = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_useBest = nullptr;
    QLabel *m_status = nullptr;
    QTableWidget *m_trials = nullptr;

    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_stopFlag;
    QString m_folder;
    ranker::SweepSpec m_spec; ///< of the sweep shown
    std::vector<ranker::SweepTrial> m_trialList;
    std::vector<ranker::TrialResult> m_ranking; ///< best first
    bool m_stopped = false;
};

} // namespace ranker::ui
