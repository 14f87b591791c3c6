#include "ui/ranking/rankingworker.h"
#include "ui/numberformat.h"

#include "core/dataset.h"
#include "core/evaluate.h"
#include "core/labelling/bradley_terry.h"
#include "core/model.h"
#include "core/run_history.h"
#include "core/runs.h"

#include <QFileInfo>

#include <algorithm>
#include <exception>

namespace ranker::ui {

namespace {

/// Why `layout` cannot score `ds`'s items, or an empty string. Only the embedding width decides:
/// a metric the dataset lacks takes the training mean (rawFeatureMatrix), which is reported apart.
QString layoutProblem(const FeatureLayout &layout, const Dataset &ds, const RunSummary &run)
{
    if (layout.embeddingDim == ds.embeddingDim)
        return {};
    const QString trainedOn = run.datasetFile.empty() ? QString() : QObject::tr(" (%1)").arg(qs(run.datasetFile));
    return QObject::tr("The model of run %1 reads %2-value embeddings; the open dataset has %3-value ones. Open the "
                       "dataset the run was trained on%4, or choose another run.")
        .arg(qs(run.displayName()))
        .arg(layout.embeddingDim)
        .arg(ds.embeddingDim)
        .arg(trainedOn);
}

} // namespace

RankingWorker::RankingWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<RankingResultPtr>();
    qRegisterMetaType<DatasetPtr>();
}

void RankingWorker::rank(quint64 request, const DatasetPtr &dataset, const QString &runFolder)
{
    Q_EMIT started(request);
    try {
        if (!dataset)
            throw std::runtime_error("no dataset is open");
        const Dataset &ds = *dataset;
        auto result = std::make_shared<RankingResult>();
        result->request = request;
        result->datasetPath = qs(ds.path);
        result->runFolder = runFolder;

        const BradleyTerryOptions options;
        const BradleyTerryFit fit = fitBradleyTerry(ds, options);
        result->decisive = fit.decisive;
        result->ties = fit.ties;
        result->iterations = fit.iterations;
        result->converged = fit.converged;
        result->exactIntervals = fit.exactIntervals;
        result->priorSd = options.priorSd;
        result->rows.resize(qsizetype(ds.items.size()));
        for (size_t i = 0; i < ds.items.size(); ++i) {
            RankingRow &row = result->rows[qsizetype(i)];
            const BradleyTerryItem &b = fit.items[i];
            row.item = int(i);
            row.id = qs(ds.items[i].id);
            row.itemType = qs(ds.items[i].itemType);
            row.strength = b.strength;
            row.low = b.low;
            row.high = b.high;
            row.stdError = b.stdError;
            row.comparisons = b.comparisons;
            row.wins = b.wins;
        }
        // The labels' ranks count only the items they compare: one never compared sits at the
        // prior's 0, which says nothing about where it belongs.
        for (int32_t i : fit.ranking())
            if (fit.items[size_t(i)].comparisons > 0)
                result->rows[i].labelRank = ++result->compared;

        if (!runFolder.isEmpty()) {
            const RunSummary run = readRunSummary(runFolder.toStdString());
            result->runName = run.displayName().empty() ? QFileInfo(runFolder).fileName() : qs(run.displayName());
            try {
                const Checkpoint checkpoint = loadCheckpoint(checkpointPathFor(runFolder.toStdString()));
                const FeatureLayout &layout = checkpoint.weights.layout;
                result->modelProblem = layoutProblem(layout, ds, run);
                if (result->modelProblem.isEmpty()) {
                    for (const std::string &name : layout.metricNames)
                        if (!std::binary_search(ds.metricNames.begin(), ds.metricNames.end(), name))
                            result->missingMetrics << qs(name);
                    const RankerModel model(checkpoint.weights);
                    const std::vector<ranker::RankedItem> ranked = rankItems(model, ds);
                    std::vector<double> scores(ds.items.size(), 0.0);
                    for (size_t k = 0; k < ranked.size(); ++k) {
                        RankingRow &row = result->rows[qsizetype(ranked[k].item)];
                        row.modelRank = qint64(k + 1);
                        row.modelScore = double(ranked[k].score);
                        scores[ranked[k].item] = row.modelScore;
                    }
                    for (const RankComparison &c : compareWithModel(fit, scores)) {
                        RankingRow &row = result->rows[c.item];
                        row.difference = qAbs(c.labelRank - c.modelRank);
                        row.outsideInterval = c.outsideInterval;
                    }
                    result->hasModel = true;
                }
            } catch (const std::exception &e) {
                result->modelProblem = tr("The model of run %1 cannot rank this dataset: %2")
                                           .arg(result->runName, QString::fromUtf8(e.what()));
            }
        }
        Q_EMIT finished(result);
    } catch (const std::exception &e) {
        Q_EMIT failed(request, QString::fromUtf8(e.what()));
    }
}

} // namespace ranker::ui
