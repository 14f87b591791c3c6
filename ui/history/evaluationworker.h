#pragma once

#include "core/evaluate.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>

namespace ranker::ui {

/// One of the pairs a model gets most wrong, ready to show.
struct WrongPair
{
    QString itemA, itemB;
    int label = 0;
    double scoreDiff = 0;
    qint64 line = 0;
};

/// One item of a ranking, best first.
struct RankedItem
{
    QString id, itemType, referenceId;
    double score = 0;
};

/// What an evaluation or a ranking produced.
struct EvaluationResult
{
    enum class Kind { Evaluation, Ranking };
    Kind kind = Kind::Evaluation;
    QString pthPath, datasetPath;
    qint64 skippedLines = 0;
    Evaluation evaluation;        ///< Kind::Evaluation
    QVector<WrongPair> mostWrong; ///< worst first
    QVector<RankedItem> ranking;  ///< Kind::Ranking
    double seconds = 0;
};
using EvaluationResultPtr = std::shared_ptr<const EvaluationResult>;

/// Evaluates a run's model on a dataset, or ranks a file's items, off the GUI thread: a parentless
/// object moved onto a QThread; calls arrive queued. Each request ends with exactly one of
/// finished() or failed().
class EvaluationWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EvaluationWorker)

public:
    explicit EvaluationWorker(QObject *parent = nullptr);

public Q_SLOTS:
    /// Loads the checkpoint `pthPath` and evaluates it on every pair of `datasetPath` with `margin`.
    void evaluate(const QString &pthPath, const QString &datasetPath, double margin, int worst);
    /// Scores every item of `itemsPath` (items or pairs) with `pthPath`'s model, best first.
    void rankItems(const QString &pthPath, const QString &itemsPath);

Q_SIGNALS:
    void started();
    void finished(ranker::ui::EvaluationResultPtr result);
    void failed(const QString &message);
};

} // namespace ranker::ui

Q_DECLARE_METATYPE(ranker::ui::EvaluationResultPtr)
