// The trainer: loss and label semantics, learning a hidden rule, determinism, cancel, divergence, resume.
#include "core/dataset.h"
#include "core/error.h"
#include "core/features.h"
#include "core/model.h"
#include "core/trainer.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using namespace ranker;

namespace {

class CountingObserver final : public TrainingObserver
{
public:
    int stopAfterBatches = -1;
    int batches = 0;
    std::vector<EpochReport> epochs;
    void onBatch(const BatchReport &) override { ++batches; }
    void onEpoch(const EpochReport &e) override { epochs.push_back(e); }
    bool stopRequested() override { return stopAfterBatches >= 0 && batches >= stopAfterBatches; }
};

} // namespace

class TrainingTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    Dataset synthetic(const QString &name, test::SyntheticOptions o = {})
    {
        const std::string path = m_dir.filePath(name).toStdString();
        test::writeSyntheticDataset(path, o);
        LoadOptions options;
        options.embeddingDim = o.dim;
        return loadDataset(path, options);
    }

    static TrainConfig smallConfig(int dim)
    {
        TrainConfig c;
        c.embeddingDim = dim;
        c.hiddenDim = 32;
        c.epochs = 3;
        // Fixed settings, not the product's defaults (which the CLI and form tests check): every
        // epoch runs, the split is the earlier fifth of the items, and nothing is refit.
        c.valSplit = 0.2;
        c.patience = 0;
        c.refit = false;
        c.batchSize = 16;
        c.threads = 1;
        c.device = "cpu";
        return c;
    }

    /// One gradient step on the single pair of a one-line dataset; returns score_diff before and after.
    std::pair<double, double> oneStep(int label, double margin)
    {
        const std::string path = m_dir.filePath(QStringLiteral("one-%1.jsonl").arg(label)).toStdString();
        std::ofstream(path)
            << R"({"item_a": {"id": "a", "embedding": [0.5, -1.0, 2.0]}, "item_b": {"id": "b", "embedding": [1.5, 0.3, -0.7]}, "label": )"
            << label << "}\n";
        LoadOptions options;
        options.embeddingDim = 3;
        const Dataset ds = loadDataset(path, options);
        TrainConfig c = smallConfig(3);
        c.epochs = 1;
        c.batchSize = 1;
        c.valSplit = 0;
        c.dropout = 0; // a clean gradient step, no dropout noise
        c.margin = margin;
        c.learningRate = 1e-3;
        Checkpoint start;
        start.weights = RankerModel(computeLayout(ds, {0, 1}), 16).weights();
        const std::vector<float> rows = rawFeatureMatrix(ds, start.weights.layout);
        const std::vector<float> before = RankerModel(start.weights).score(rows.data(), 2);
        CountingObserver observer;
        const TrainResult result = train(ds, c, observer, &start);
        const std::vector<float> after = RankerModel(result.checkpoint.weights).score(rows.data(), 2);
        return {double(before[0]) - before[1], double(after[0]) - after[1]};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void labelOne_raisesScoreDiff()
    {
        const auto [before, after] = oneStep(1, 10.0);
        QVERIFY2(after > before, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
    }

    void labelMinusOne_lowersScoreDiff()
    {
        const auto [before, after] = oneStep(-1, 10.0);
        QVERIFY2(after < before, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
    }

    void tieUnderHinge_pullsScoreDiffTowardsZero()
    {
        const auto [before, after] = oneStep(0, 0.0);
        QVERIFY(std::fabs(before) > 1e-4);
        QVERIFY2(std::fabs(after) < std::fabs(before), qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
    }

    void hiddenRule_reachesHighValidationAccuracy()
    {
        test::SyntheticOptions o;
        o.pairs = 1500;
        o.items = 150;
        const Dataset ds = synthetic(QStringLiteral("rule.jsonl"), o);
        TrainConfig c = smallConfig(o.dim);
        c.epochs = 25;
        c.hiddenDim = 64;
        CountingObserver observer;
        const TrainResult r = train(ds, c, observer);
        QCOMPARE(QString::fromUtf8(toString(r.end)), QStringLiteral("completed"));
        QCOMPARE(int(r.history.size()), 25);
        QCOMPARE(int(observer.epochs.size()), 25);
        // Validation on held-out items: the pairs among the seeded fifth of the items.
        const DataSplit split = splitByItems(ds, 0.2, c.seed);
        QCOMPARE(r.valPairs, int64_t(split.val.size()));
        QCOMPARE(r.heldOutItems, int64_t(30));
        const double best =
            std::max_element(r.history.begin(), r.history.end(), [](const EpochReport &a, const EpochReport &b) {
                return a.valAccuracy < b.valAccuracy;
            })->valAccuracy;
        QVERIFY2(best >= 0.95, qPrintable(QString::number(best)));
        QVERIFY(r.history.back().trainLoss < r.history.front().trainLoss);
        QVERIFY(r.history.front().pairsPerSecond > 0);
        // keep best: the kept epoch has the lowest validation loss — under the item split, that of the
        // pairs with one held-out item (the pairs of two held-out items only report the figure).
        QCOMPARE(QString::fromUtf8(toString(r.keep)), QStringLiteral("best"));
        QCOMPARE(r.selectedBy, std::string("one-new-item pairs"));
        const auto bestLoss =
            std::min_element(r.history.begin(), r.history.end(),
                             [](const EpochReport &a, const EpochReport &b) { return a.crossLoss < b.crossLoss; });
        QCOMPARE(r.keptEpoch, bestLoss->epoch);
        QCOMPARE(r.bestEpoch, bestLoss->epoch);
    }

    void sameSeed_givesBitIdenticalLossHistory()
    {
        const Dataset ds = synthetic(QStringLiteral("det.jsonl"));
        TrainConfig c = smallConfig(8);
        CountingObserver o1, o2, o3;
        const TrainResult a = train(ds, c, o1);
        const TrainResult b = train(ds, c, o2);
        QCOMPARE(a.lossHistory.size(), size_t(3));
        QVERIFY(a.lossHistory == b.lossHistory); // exact, bit for bit
        QVERIFY(a.valLossHistory == b.valLossHistory);
        QVERIFY(a.checkpoint.weights.w1 == b.checkpoint.weights.w1);
        c.seed = 43;
        const TrainResult other = train(ds, c, o3);
        QVERIFY(other.lossHistory != a.lossHistory);
    }

    void stopRequested_endsWithinOneBatchAsCancelled()
    {
        const Dataset ds = synthetic(QStringLiteral("cancel.jsonl"));
        TrainConfig c = smallConfig(8);
        c.epochs = 10;
        c.valSplit = 0;
        c.batchSize = 10; // 40 batches an epoch
        CountingObserver observer;
        observer.stopAfterBatches = 45; // in the second epoch
        const TrainResult r = train(ds, c, observer);
        QCOMPARE(QString::fromUtf8(toString(r.end)), QStringLiteral("cancelled"));
        QCOMPARE(observer.batches, 45);
        QCOMPARE(r.epochsCompleted, 1);
        QCOMPARE(r.keptEpoch, 1);
        QCOMPARE(r.lossHistory.size(), size_t(1));
    }

    void hugeFeatures_divergeWithClearMessageAndKeepLastGoodWeights()
    {
        const std::string path = m_dir.filePath(QStringLiteral("diverge.jsonl")).toStdString();
        {
            std::ofstream out(path);
            for (int i = 0; i < 20; ++i)
                out << "{\"item_a\": {\"id\": \"a" << i << "\", \"embedding\": [3e38, 3e38, 3e38]}, "
                    << "\"item_b\": {\"id\": \"b" << i << "\", \"embedding\": [-3e38, 1e38, -2e38]}, \"label\": 1}\n";
        }
        LoadOptions options;
        options.embeddingDim = 3;
        const Dataset ds = loadDataset(path, options);
        QCOMPARE(ds.pairs.size(), size_t(20));
        TrainConfig c = smallConfig(3);
        c.hiddenDim = 256;
        c.valBy = ValidationBy::Pairs; // 40 items in 20 pairs: too few for an item split
        CountingObserver observer;
        const TrainResult r = train(ds, c, observer);
        QCOMPARE(QString::fromUtf8(toString(r.end)), QStringLiteral("diverged"));
        QVERIFY2(QString::fromStdString(r.message).startsWith(QStringLiteral("diverged")), r.message.c_str());
        QCOMPARE(r.keptEpoch, 0);
        for (float w : r.checkpoint.weights.w1)
            QVERIFY(std::isfinite(w));
    }

    void resume_continuesHistoryAndEpochs()
    {
        const Dataset ds = synthetic(QStringLiteral("resume.jsonl"));
        TrainConfig c = smallConfig(8);
        c.keep = KeepPolicy::Last;
        CountingObserver o1;
        const TrainResult first = train(ds, c, o1);
        const std::string pth = m_dir.filePath(QStringLiteral("resume.pth")).toStdString();
        saveCheckpoint(pth, first.checkpoint);
        const Checkpoint loaded = loadCheckpoint(pth);
        QCOMPARE(loaded.epoch, 3);
        QVERIFY(!loaded.optimizer.empty());
        c.epochs = 2;
        CountingObserver o2;
        const TrainResult second = train(ds, c, o2, &loaded);
        QCOMPARE(second.firstEpoch, 4);
        QCOMPARE(second.epochsCompleted, 5);
        QCOMPARE(o2.epochs.front().epoch, 4);
        QCOMPARE(second.lossHistory.size(), size_t(5));
        for (size_t i = 0; i < 3; ++i)
            QCOMPARE(second.lossHistory[i], first.lossHistory[i]);
        // Continuing from trained weights starts lower than a fresh run's first epoch.
        QVERIFY(second.lossHistory[3] < first.lossHistory[0]);
        QVERIFY(second.checkpoint.optimizer.step > first.checkpoint.optimizer.step);
    }

    void tiePolicies_hingeTrainsOnTiesSkipLeavesThemOut()
    {
        test::SyntheticOptions o;
        o.tieShare = 0.2;
        const Dataset ds = synthetic(QStringLiteral("ties.jsonl"), o);
        const int64_t ties = ds.labelCount(0);
        QVERIFY(ties > 50);
        TrainConfig c = smallConfig(8);
        c.valSplit = 0;
        c.epochs = 1;
        CountingObserver o1, o2;
        const TrainResult hinge = train(ds, c, o1);
        c.ties = TiePolicy::Skip;
        const TrainResult skip = train(ds, c, o2);
        QCOMPARE(hinge.trainPairs, int64_t(ds.pairs.size()));
        QCOMPARE(skip.trainPairs, int64_t(ds.pairs.size()) - ties);
    }

    void validationSplit_isSeededAndDisjoint()
    {
        std::vector<int32_t> t1, v1, t2, v2, t3, v3;
        splitPairs(1000, 0.2, 42, t1, v1);
        splitPairs(1000, 0.2, 42, t2, v2);
        splitPairs(1000, 0.2, 7, t3, v3);
        QCOMPARE(v1.size(), size_t(200));
        QCOMPARE(t1.size(), size_t(800));
        QVERIFY(v1 == v2);
        QVERIFY(v1 != v3);
        std::vector<int32_t> all = t1;
        all.insert(all.end(), v1.begin(), v1.end());
        std::sort(all.begin(), all.end());
        for (int32_t i = 0; i < 1000; ++i)
            QCOMPARE(all[size_t(i)], i);
    }

    void badSettings_areClearErrors_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("epochs") << QStringLiteral("epochs") << QStringLiteral("--epochs");
        QTest::newRow("learning-rate") << QStringLiteral("lr") << QStringLiteral("--learning-rate");
        QTest::newRow("val-split") << QStringLiteral("val") << QStringLiteral("--val-split");
        QTest::newRow("cuda") << QStringLiteral("cuda") << QStringLiteral("CUDA is not available");
        QTest::newRow("device") << QStringLiteral("device") << QStringLiteral("unknown device");
        QTest::newRow("dim-mismatch") << QStringLiteral("dim") << QStringLiteral("--embedding-dim");
    }

    void badSettings_areClearErrors()
    {
        QFETCH(QString, field);
        QFETCH(QString, message);
        if (field == QStringLiteral("cuda") && deviceInfo().cudaAvailable)
            QSKIP("this LibTorch has CUDA");
        const Dataset ds = synthetic(QStringLiteral("settings.jsonl"));
        TrainConfig c = smallConfig(8);
        if (field == QStringLiteral("epochs"))
            c.epochs = 0;
        else if (field == QStringLiteral("lr"))
            c.learningRate = -1;
        else if (field == QStringLiteral("val"))
            c.valSplit = 1.5;
        else if (field == QStringLiteral("cuda"))
            c.device = "cuda";
        else if (field == QStringLiteral("device"))
            c.device = "tpu";
        else
            c.embeddingDim = 9;
        CountingObserver observer;
        try {
            train(ds, c, observer);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
    }

    void emptyDataset_isAnError()
    {
        const std::string path = m_dir.filePath(QStringLiteral("empty.jsonl")).toStdString();
        std::ofstream(path) << "\n";
        LoadOptions options;
        options.embeddingDim = 8;
        const Dataset ds = loadDataset(path, options);
        CountingObserver observer;
        QVERIFY_THROWS_EXCEPTION(Error, train(ds, smallConfig(8), observer));
    }

    void deviceAuto_resolvesToWhatLibTorchHas()
    {
        const std::string device = resolveDevice("auto");
        QCOMPARE(device, std::string(deviceInfo().cudaAvailable ? "cuda" : "cpu"));
        if (!deviceInfo().cudaAvailable)
            QVERIFY(!deviceInfo().cudaUnavailableReason.empty());
    }
};

QTEST_GUILESS_MAIN(TrainingTest)
#include "tst_training.moc"
