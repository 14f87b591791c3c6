#include "ui/trainingworker.h"

#include "core/dataset.h"
#include "core/error.h"
#include "ui/threadpriority.h"

#include <QDateTime>
#include <QDir>

#include <cmath>
#include <utility>

namespace ranker::ui {

namespace {
double numberOr(const nlohmann::json &j, const char *key, double fallback = kNaN)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}
} // namespace

TrainingWorker::TrainingWorker(QObject *parent) : QObject(parent) {}

namespace {
RunOutcome outcomeOf(const PipelineResult &result)
{
    RunOutcome out;
    const TrainResult &r = result.train;
    out.end = r.end;
    out.message = QString::fromStdString(r.message);
    out.runDir = QString::fromStdString(result.runDir);
    out.pthPath = QString::fromStdString(result.pthPath);
    out.onnxPath = QString::fromStdString(result.onnxPath);
    out.metadataPath = QString::fromStdString(result.metadataPath);
    out.device = QString::fromStdString(r.device);
    out.epochsCompleted = r.epochsCompleted;
    out.keptEpoch = r.keptEpoch;
    out.seconds = r.seconds;
    out.finalTrainLoss = numberOr(result.metadata, "final_train_loss");
    out.bestValAccuracy = numberOr(result.metadata, "best_val_accuracy");
    out.finalValAccuracy = numberOr(result.metadata, "final_val_accuracy");
    out.finalValLoss = r.valLossHistory.empty() ? kNaN : r.valLossHistory.back();
    out.metadataEpochs = int(numberOr(result.metadata, "epochs", 0));
    out.metadata = result.metadata;
    return out;
}
} // namespace

void TrainingWorker::run(const DatasetPtr &dataset, const PipelineRequest &request)
{
    m_lastBatchSignal = 0;
    m_unsaved.reset();
    Q_EMIT started();
    try {
        Q_EMIT finished(outcomeOf(runPipeline(*dataset, request, *this)));
    } catch (const ExportFailed &e) {
        QDir().rmdir(QString::fromStdString(request.outputDir));
        m_unsaved = e.result;
        Q_EMIT exportFailed(QString::fromStdString(e.what()));
    } catch (const std::exception &e) {
        // Nothing usable was written: leave no empty run folder behind.
        QDir().rmdir(QString::fromStdString(request.outputDir));
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

void TrainingWorker::saveUnsavedRun(const QString &folder)
{
    if (!m_unsaved) {
        Q_EMIT failed(tr("there is no unsaved run to save"));
        return;
    }
    try {
        writeRunFiles(*m_unsaved, folder.toStdString());
    } catch (const std::exception &e) {
        Q_EMIT exportFailed(QString::fromStdString(e.what()));
        return;
    }
    Q_EMIT finished(outcomeOf(*std::exchange(m_unsaved, nullptr)));
}

void TrainingWorker::onStage(const std::string &stage)
{
    Q_EMIT stageChanged(QString::fromStdString(stage));
}

void TrainingWorker::onPhase(const PhaseReport &phase)
{
    Q_EMIT phaseStarted(phase);
}

void TrainingWorker::onEpoch(const EpochReport &report)
{
    Q_EMIT epochReported(report);
}

void TrainingWorker::onBatch(const BatchReport &report)
{
    // The chart needs a few points a second, not thousands: the last batch of an epoch always goes.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastBatchSignal < 100 && report.batch != report.batches)
        return;
    m_lastBatchSignal = now;
    Q_EMIT batchReported(report);
}

void TrainingWorker::onLog(const std::string &text)
{
    Q_EMIT logged(QString::fromStdString(text));
}

TrainingController::TrainingController(QObject *parent) : QObject(parent), m_worker(new TrainingWorker)
{
    qRegisterMetaType<EpochReport>();
    qRegisterMetaType<PhaseReport>();
    qRegisterMetaType<BatchReport>();
    qRegisterMetaType<RunOutcome>();
    m_thread.setObjectName(QStringLiteral("TrainingWorker"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &TrainingWorker::started, this, &TrainingController::started);
    connect(m_worker, &TrainingWorker::stageChanged, this, &TrainingController::stageChanged);
    connect(m_worker, &TrainingWorker::phaseStarted, this, &TrainingController::phaseStarted);
    connect(m_worker, &TrainingWorker::epochReported, this, &TrainingController::epochReported);
    connect(m_worker, &TrainingWorker::batchReported, this, &TrainingController::batchReported);
    connect(m_worker, &TrainingWorker::logged, this, &TrainingController::logged);
    connect(m_worker, &TrainingWorker::finished, this, [this](const RunOutcome &outcome) {
        m_running = false;
        m_hasUnsavedRun = false;
        Q_EMIT finished(outcome);
    });
    connect(m_worker, &TrainingWorker::failed, this, [this](const QString &message) {
        m_running = false;
        Q_EMIT failed(message);
    });
    connect(m_worker, &TrainingWorker::exportFailed, this, [this](const QString &message) {
        m_running = false;
        m_hasUnsavedRun = true;
        Q_EMIT exportFailed(message);
    });
    m_thread.start();
    // The GUI thread must win the CPU when cores are contended (the trainer's own intra-op
    // threads, a compiler running beside): the worker and the threads it starts run niced.
    QMetaObject::invokeMethod(
        m_worker, [] { lowerCurrentThreadPriority(); }, Qt::QueuedConnection);
}

TrainingController::~TrainingController()
{
    m_worker->requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

bool TrainingController::start(const DatasetPtr &dataset, const PipelineRequest &request)
{
    if (m_running || !dataset)
        return false;
    m_running = true;
    m_hasUnsavedRun = false;       // the worker forgets it when the next run starts
    m_worker->clearInterruption(); // here, not in run(): a Stop pressed at once must count
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, dataset, request] { worker->run(dataset, request); }, Qt::QueuedConnection);
    return true;
}

bool TrainingController::saveUnsavedRun(const QString &folder)
{
    if (m_running || !m_hasUnsavedRun)
        return false;
    m_running = true;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, folder] { worker->saveUnsavedRun(folder); }, Qt::QueuedConnection);
    return true;
}

void TrainingController::discardUnsavedRun()
{
    if (m_running || !m_hasUnsavedRun)
        return;
    m_hasUnsavedRun = false;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->discardUnsavedRun(); }, Qt::QueuedConnection);
}

void TrainingController::stop()
{
    if (m_running)
        m_worker->requestInterruption();
}

} // namespace ranker::ui
