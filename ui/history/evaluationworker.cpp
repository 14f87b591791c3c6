#include "ui/history/evaluationworker.h"

#include "core/dataset.h"
#include "core/evaluate.h"
#include "core/model.h"

#include <QElapsedTimer>

#include <algorithm>
#include <numeric>

namespace ranker::ui {

EvaluationWorker::EvaluationWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<EvaluationResultPtr>();
}

void EvaluationWorker::evaluate(const QString &pthPath, const QString &datasetPath, double margin, int worst)
{
    Q_EMIT started();
    QElapsedTimer timer;
    timer.start();
    try {
        RankerModel model(loadCheckpoint(pthPath.toStdString()).weights);
        LoadOptions options;
        options.embeddingDim = model.layout().embeddingDim;
        Dataset ds = loadDataset(datasetPath.toStdString(), options);
        if (ds.pairs.empty())
            throw std::runtime_error(datasetPath.toStdString() + ": no valid pairs to evaluate");
        auto result = std::make_shared<EvaluationResult>();
        result->kind = EvaluationResult::Kind::Evaluation;
        result->pthPath = pthPath;
        result->datasetPath = datasetPath;
        result->skippedLines = qint64(ds.skipped.size());
        result->evaluation = ranker::evaluate(model, ds, {}, margin, size_t(std::max(0, worst)));
        for (const ScoredPair &p : result->evaluation.mostWrong) {
            const Pair &pair = ds.pairs[size_t(p.pair)];
            result->mostWrong.push_back({QString::fromStdString(ds.items[size_t(pair.a)].id),
                                         QString::fromStdString(ds.items[size_t(pair.b)].id), pair.label, p.scoreDiff,
                                         qint64(pair.line)});
        }
        result->evaluation.scoreDiffs.clear(); // one per pair: not needed by the view
        result->seconds = double(timer.nsecsElapsed()) / 1e9;
        Q_EMIT finished(result);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

void EvaluationWorker::rankItems(const QString &pthPath, const QString &itemsPath)
{
    Q_EMIT started();
    QElapsedTimer timer;
    timer.start();
    try {
        RankerModel model(loadCheckpoint(pthPath.toStdString()).weights);
        LoadOptions options;
        options.embeddingDim = model.layout().embeddingDim;
        Dataset items = loadItems(itemsPath.toStdString(), options);
        if (items.items.empty())
            throw std::runtime_error(itemsPath.toStdString() + ": no items to rank");
        const std::vector<ranker::RankedItem> ranked = ranker::rankItems(model, items);
        auto result = std::make_shared<EvaluationResult>();
        result->kind = EvaluationResult::Kind::Ranking;
        result->pthPath = pthPath;
        result->datasetPath = itemsPath;
        result->skippedLines = qint64(items.skipped.size());
        result->ranking.reserve(qsizetype(ranked.size()));
        for (const ranker::RankedItem &r : ranked) {
            const Item &item = items.items[r.item];
            result->ranking.push_back({QString::fromStdString(item.id), QString::fromStdString(item.itemType),
                                       QString::fromStdString(item.referenceId), double(r.score)});
        }
        result->seconds = double(timer.nsecsElapsed()) / 1e9;
        Q_EMIT finished(result);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

} // namespace ranker::ui
