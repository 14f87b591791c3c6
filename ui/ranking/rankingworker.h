#pragma once
// The Ranking place's work, off the GUI thread: a run's model scores every item of the open
// dataset, and a Bradley–Terry fit ranks the same items from the labels alone.

#include "ui/datasetloader.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace ranker::ui {

/// One item of the open dataset under both rankings.
struct RankingRow
{
    int item = 0; ///< index into Dataset::items
    QString id, itemType;
    /// The model's rank among every item, highest score first, equal scores in file order (as
    /// ranker-rank orders them); 0 without a model.
    qint64 modelRank = 0;
    double modelScore = 0;
    /// The labels' rank among the items they compare, strongest first; 0 for an item never
    /// compared (its strength and interval are then the prior's).
    qint64 labelRank = 0;
    double strength = 0, low = 0, high = 0, stdError = 0; ///< Bradley–Terry log-strength, 95 % interval
    qint64 comparisons = 0;
    double wins = 0; ///< a tie counts half
    /// |label rank − model rank| among the compared items (core's compareWithModel); -1 without a
    /// model or for an item never compared.
    qint64 difference = -1;
    /// The model's rank is outside the ranks the item's interval allows.
    bool outsideInterval = false;

    bool compared() const { return comparisons > 0; }
};

/// What one ranking request produced.
struct RankingResult
{
    quint64 request = 0;
    QString datasetPath;
    QString runFolder; ///< the run asked for (empty: the labels alone)
    QString runName;   ///< its display name
    bool hasModel = false;
    /// Why the model's ranking is missing although a run was asked for (the checkpoint cannot be
    /// read, its feature layout does not fit the dataset); the labels' ranking is still there.
    QString modelProblem;
    QStringList missingMetrics;    ///< metrics the model reads that no item of the dataset carries
    qint64 decisive = 0, ties = 0; ///< labelled pairs the fit used
    qint64 compared = 0;           ///< items in at least one of them
    int iterations = 0;
    bool converged = false;
    bool exactIntervals = true;
    double priorSd = 0;
    QVector<RankingRow> rows; ///< one per item, in item order
};
using RankingResultPtr = std::shared_ptr<const RankingResult>;

/**
 * Ranks a dataset's items on a worker thread: a parentless object moved onto a QThread by its
 * owner; calls arrive queued. Each rank() ends with exactly one of finished() or failed().
 */
class RankingWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RankingWorker)

public:
    explicit RankingWorker(QObject *parent = nullptr);

public Q_SLOTS:
    /// Fits Bradley–Terry to `dataset`'s labels and, when `runFolder` is not empty, scores every
    /// item with that run's model (the same core calls as ranker-rank and `ranker-train bt`).
    void rank(quint64 request, const ranker::ui::DatasetPtr &dataset, const QString &runFolder);

Q_SIGNALS:
    void started(quint64 request);
    void finished(const ranker::ui::RankingResultPtr &result);
    void failed(quint64 request, const QString &message);
};

} // namespace ranker::ui

Q_DECLARE_METATYPE(ranker::ui::RankingResultPtr)
