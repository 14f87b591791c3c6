#pragma once

#include "core/pipeline.h"
#include "ui/datasetloader.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>

namespace ranker::ui {

/// What a finished run left behind, for the Results box.
struct RunOutcome
{
    RunEnd end = RunEnd::Completed;
    QString message;
    QString runDir, pthPath, onnxPath, metadataPath;
    QString device;
    int epochsCompleted = 0;
    int keptEpoch = 0;
    double seconds = 0;
    double finalTrainLoss = kNaN;
    double finalValLoss = kNaN;
    double bestValAccuracy = kNaN;
    double finalValAccuracy = kNaN;
    int metadataEpochs = 0;  ///< `epochs` as the metadata file states it
    nlohmann::json metadata; ///< the run's metadata as written (validation, folds, refit, test, verdict)
};

/// Runs the engine's pipeline (train → export → metadata) on the thread it lives on and turns its
/// callbacks into signals. Use it through TrainingController.
class TrainingWorker final : public QObject, private PipelineObserver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainingWorker)

public:
    explicit TrainingWorker(QObject *parent = nullptr);

    /// Thread-safe: the run stops before its next batch, keeping what finished.
    void requestInterruption() { m_stop = true; }
    void clearInterruption() { m_stop = false; }

    void run(const ranker::ui::DatasetPtr &dataset, const ranker::PipelineRequest &request);
    /// Writes the run kept by the last exportFailed() into `folder`: finished() or exportFailed() follows.
    void saveUnsavedRun(const QString &folder);
    void discardUnsavedRun() { m_unsaved.reset(); }

Q_SIGNALS:
    void started();
    void stageChanged(const QString &stage);
    void phaseStarted(const ranker::PhaseReport &phase);
    void epochReported(const ranker::EpochReport &report);
    void batchReported(const ranker::BatchReport &report);
    void logged(const QString &text);
    void finished(const ranker::ui::RunOutcome &outcome);
    void failed(const QString &message);
    /// Training finished but its files could not be written; the trained run is kept until
    /// saveUnsavedRun() or discardUnsavedRun().
    void exportFailed(const QString &message);

private:
    void onStage(const std::string &stage) override;
    void onPhase(const PhaseReport &phase) override;
    void onEpoch(const EpochReport &report) override;
    void onBatch(const BatchReport &report) override;
    void onLog(const std::string &text) override;
    bool stopRequested() override { return m_stop.load(); }

    std::atomic_bool m_stop{false};
    qint64 m_lastBatchSignal = 0;
    std::shared_ptr<ranker::PipelineResult> m_unsaved; ///< trained, not written (worker thread only)
};

/// Owns the training thread; one run at a time.
class TrainingController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainingController)

public:
    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override;

    /// Starts a run; returns false when one is running already.
    bool start(const DatasetPtr &dataset, const PipelineRequest &request);
    /// Asks the running run to stop at its next batch.
    void stop();
    bool isRunning() const { return m_running; }
    /// A trained run whose files could not be written is waiting for saveUnsavedRun().
    bool hasUnsavedRun() const { return m_hasUnsavedRun; }
    /// Writes that run into `folder` (created if missing); finished() or exportFailed() follows.
    bool saveUnsavedRun(const QString &folder);
    void discardUnsavedRun();

Q_SIGNALS:
    void started();
    void stageChanged(const QString &stage);
    void phaseStarted(const ranker::PhaseReport &phase);
    void epochReported(const ranker::EpochReport &report);
    void batchReported(const ranker::BatchReport &report);
    void logged(const QString &text);
    void finished(const ranker::ui::RunOutcome &outcome);
    void failed(const QString &message);
    void exportFailed(const QString &message);

private:
    QThread m_thread;
    TrainingWorker *m_worker = nullptr;
    bool m_running = false;
    bool m_hasUnsavedRun = false;
};

} // namespace ranker::ui

Q_DECLARE_METATYPE(ranker::EpochReport)
Q_DECLARE_METATYPE(ranker::PhaseReport)
Q_DECLARE_METATYPE(ranker::BatchReport)
Q_DECLARE_METATYPE(ranker::ui::RunOutcome)
