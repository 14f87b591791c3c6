// The fast CPU training path: the same numbers as the LibTorch path within float rounding, the same
// bits with any thread count, dropout at its rate and scale, resume across paths, the thread
// choice (--threads 0) and its cache, and the work pool it runs on.
#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/trainer.h"
#include "core/training/fast_mlp.h"
#include "core/training/threads.h"
#include "core/training/work_pool.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <atomic>
#include <cmath>

using namespace ranker;

namespace {

class QuietObserver final : public TrainingObserver
{
};

class BatchLosses final : public TrainingObserver
{
public:
    std::vector<double> losses;
    int stop = -1;
    void onBatch(const BatchReport &b) override { losses.push_back(b.loss); }
    bool stopRequested() override { return stop >= 0 && int(losses.size()) >= stop; }
};

/// Largest |a − b| / max(|a|, |b|, floor) over two equally long series.
double relativeGap(const std::vector<double> &a, const std::vector<double> &b, double floor = 1e-12)
{
    double gap = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        gap = std::max(gap, std::fabs(a[i] - b[i]) / std::max({std::fabs(a[i]), std::fabs(b[i]), floor}));
    return gap;
}

/// The one-minute load average, as the thread choice reads it.
double currentLoad()
{
    double load[1] = {0};
    return ::getloadavg(load, 1) == 1 ? load[0] : 0;
}

double maxAbsGap(const std::vector<float> &a, const std::vector<float> &b)
{
    double gap = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        gap = std::max(gap, double(std::fabs(a[i] - b[i])));
    return gap;
}

/// Restores an environment variable when the test ends.
class EnvironmentGuard
{
public:
    explicit EnvironmentGuard(const char *name) : m_name(name), m_had(qEnvironmentVariableIsSet(name))
    {
        if (m_had)
            m_value = qgetenv(name);
    }
    ~EnvironmentGuard()
    {
        if (m_had)
            qputenv(m_name, m_value);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    bool m_had;
    QByteArray m_value;
};

} // namespace

class FastPathTest final : public QObject
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

    static TrainConfig config(int dim)
    {
        TrainConfig c;
        c.embeddingDim = dim;
        c.hiddenDim = 48;
        c.epochs = 4;
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

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void fastPath_isTheDefaultOnTheCpu()
    {
        const Dataset ds = synthetic(QStringLiteral("default.jsonl"));
        QuietObserver o;
        const TrainResult r = train(ds, config(8), o);
        QCOMPARE(QString::fromStdString(r.trainingPath), QStringLiteral("fast"));
        TrainConfig c = config(8);
        c.path = TrainingPath::LibTorch;
        QCOMPARE(QString::fromStdString(train(ds, c, o).trainingPath), QStringLiteral("libtorch"));
    }

    // Same initial weights and batch order (both from LibTorch's generator), no dropout, one step
    // per epoch (the whole training set as the batch): the loss history, validation losses, final
    // weights and Adam moments agree within float rounding.
    void fastPath_matchesLibTorchWithinRounding_data()
    {
        QTest::addColumn<QString>("ties");
        QTest::addColumn<double>("weightDecay");
        QTest::addColumn<QString>("valBy");
        QTest::addColumn<int>("seed");
        QTest::newRow("decisive") << QStringLiteral("skip") << 0.0 << QStringLiteral("items") << 42;
        QTest::newRow("ties-hinge") << QStringLiteral("hinge") << 0.0 << QStringLiteral("items") << 43;
        QTest::newRow("weight-decay") << QStringLiteral("hinge") << 1e-3 << QStringLiteral("items") << 44;
        QTest::newRow("pair-split") << QStringLiteral("hinge") << 0.0 << QStringLiteral("pairs") << 45;
    }

    void fastPath_matchesLibTorchWithinRounding()
    {
        QFETCH(QString, ties);
        QFETCH(double, weightDecay);
        QFETCH(QString, valBy);
        QFETCH(int, seed);
        test::SyntheticOptions o;
        o.tieShare = 0.15;
        o.pairs = 600;
        o.items = 80;
        const Dataset ds = synthetic(QStringLiteral("match.jsonl"), o);
        TrainConfig c = config(o.dim);
        c.dropout = 0;
        c.ties = tiePolicyFromString(ties.toStdString());
        c.weightDecay = weightDecay;
        c.valBy = validationByFromString(valBy.toStdString());
        c.seed = uint64_t(seed);
        c.epochs = 5;
        c.batchSize = 5000; // every training pair in one step
        c.keep = KeepPolicy::Last;
        QuietObserver o1, o2;
        c.path = TrainingPath::Fast;
        const TrainResult fast = train(ds, c, o1);
        c.path = TrainingPath::LibTorch;
        const TrainResult reference = train(ds, c, o2);
        QCOMPARE(fast.lossHistory.size(), size_t(5));
        QCOMPARE(reference.lossHistory.size(), size_t(5));
        const double lossGap = relativeGap(fast.lossHistory, reference.lossHistory);
        const double valGap = relativeGap(fast.valLossHistory, reference.valLossHistory);
        const double weightGap = maxAbsGap(fast.checkpoint.weights.w1, reference.checkpoint.weights.w1);
        qInfo("loss history gap %.3g (relative), validation %.3g, w1 %.3g (absolute)", lossGap, valGap, weightGap);
        QVERIFY2(lossGap <= 1e-5, qPrintable(QString::number(lossGap)));
        QVERIFY2(valGap <= 1e-5, qPrintable(QString::number(valGap)));
        QVERIFY2(weightGap <= 1e-5, qPrintable(QString::number(weightGap)));
        QVERIFY(std::fabs(fast.history.back().trainAccuracy - reference.history.back().trainAccuracy) <= 0.01);
        QCOMPARE(fast.checkpoint.optimizer.step, reference.checkpoint.optimizer.step);
        // The moments of the weight matrices (the gradients' history). Not those of the biases b2 and
        // b3: where a bias cannot change any score difference its true gradient is 0, which the fast
        // path computes exactly and LibTorch as rounding noise (see biasGradient in fast_mlp.cpp).
        for (int i : {0, 2, 4}) {
            const std::vector<float> &m = reference.checkpoint.optimizer.expAvg[size_t(i)];
            const double scale = double(
                *std::max_element(m.begin(), m.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); }));
            const double gap = maxAbsGap(fast.checkpoint.optimizer.expAvg[size_t(i)], m);
            QVERIFY2(gap <= 1e-5 * std::fabs(scale),
                     qPrintable(QStringLiteral("%1: %2 of %3").arg(i).arg(gap).arg(scale)));
        }
    }

    // Mini-batches: the same batches in the same order. The first batch's loss agrees within
    // rounding; later ones drift apart slowly, because Adam turns rounding noise in near-zero
    // gradients into steps of the learning rate (LibTorch drifts from itself as much between 1 and
    // 2 threads), but stay within a percent over three epochs.
    void fastPath_takesTheSameBatchesAsLibTorch()
    {
        test::SyntheticOptions o;
        o.tieShare = 0.1;
        o.pairs = 500;
        o.items = 70;
        const Dataset ds = synthetic(QStringLiteral("batches.jsonl"), o);
        TrainConfig c = config(o.dim);
        c.dropout = 0;
        c.epochs = 3;
        c.batchSize = 13; // a short last batch
        BatchLosses o1, o2;
        c.path = TrainingPath::Fast;
        const TrainResult fast = train(ds, c, o1);
        c.path = TrainingPath::LibTorch;
        const TrainResult reference = train(ds, c, o2);
        QCOMPARE(o1.losses.size(), o2.losses.size());
        QVERIFY(o1.losses.size() > 3 * 20);
        const double first = std::fabs(o1.losses[0] - o2.losses[0]) / o2.losses[0];
        QVERIFY2(first <= 1e-6, qPrintable(QString::number(first)));
        const double gap = relativeGap(o1.losses, o2.losses, 0.01); // a batch's loss can be near 0
        qInfo("first batch %.3g, all %zu batches within %.3g (relative)", first, o1.losses.size(), gap);
        QVERIFY2(gap <= 1e-2, qPrintable(QString::number(gap)));
        QCOMPARE(fast.trainPairs, reference.trainPairs);
    }

    void fastPath_isBitIdenticalWithAnyThreadCount()
    {
        test::SyntheticOptions o;
        o.pairs = 900;
        o.items = 120;
        o.dim = 40;
        o.tieShare = 0.1;
        const Dataset ds = synthetic(QStringLiteral("threads.jsonl"), o);
        TrainConfig c = config(o.dim);
        c.hiddenDim = 256; // large enough that every product is split into several tasks
        c.batchSize = 64;
        c.epochs = 3;
        c.weightDecay = 1e-4;
        std::vector<TrainResult> runs;
        for (int threads : {1, 2, 3, 1}) {
            c.threads = threads;
            QuietObserver observer;
            runs.push_back(train(ds, c, observer));
            QCOMPARE(runs.back().threads, threads);
            QCOMPARE(QString::fromStdString(runs.back().threadsSource), QStringLiteral("asked"));
        }
        for (const TrainResult &r : runs) {
            QVERIFY(r.lossHistory == runs[0].lossHistory); // bit for bit
            QVERIFY(r.valLossHistory == runs[0].valLossHistory);
            QVERIFY(r.checkpoint.weights.w1 == runs[0].checkpoint.weights.w1);
            QVERIFY(r.checkpoint.optimizer.expAvgSq[2] == runs[0].checkpoint.optimizer.expAvgSq[2]);
        }
    }

    // A unit whose input is constant passes to the score unchanged, so each pair's score difference
    // is that unit's dropout factor in row A minus row B: 0 or ±1/(1 − p).
    void fastDropout_isSeededWithItsRateAndScale_data()
    {
        QTest::addColumn<double>("p");
        QTest::newRow("0.2") << 0.2;
        QTest::newRow("0.5") << 0.5;
        QTest::newRow("none") << 0.0;
    }

    void fastDropout_isSeededWithItsRateAndScale()
    {
        QFETCH(double, p);
        const int F = 4, H = 32, pairs = 64;
        FastRanker net(FastShape{F, H, pairs}, p, 0.0, 0.0); // learning rate 0: the weights stay
        std::vector<std::vector<float>> w = net.parameters();
        std::fill(w[1].begin(), w[1].end(), 1.0f); // b1: every unit of layer 1 is 1 before dropout
        for (int i = 0; i < H; ++i)
            w[2][size_t(i * H + i)] = 1.0f; // w2 = identity
        WorkPool pool(2, &SingleThreadedBlas::onHelperStart);
        SingleThreadedBlas blas;
        std::vector<float> features(F, 0.0f), labels(pairs, 1.0f), diff(pairs), first;
        std::vector<int32_t> items(pairs, 0);
        FastRanker::Batch b;
        b.features = features.data();
        b.itemA = items.data();
        b.itemB = items.data();
        b.label = labels.data();
        b.pairs = pairs;
        const float scale = float(1.0f / float(1.0 - p));
        int64_t differing = 0, samples = 0;
        for (int unit = 0; unit < H; unit += 3) {
            std::fill(w[4].begin(), w[4].end(), 0.0f);
            w[4][size_t(unit)] = 1.0f; // the score is this unit
            net.setParameters(w);
            for (int step = 0; step < 8; ++step) {
                b.dropoutKey = dropoutKey(42, 1, step);
                QVERIFY(std::isfinite(net.step(b, diff.data(), pool)));
                for (float d : diff) {
                    QVERIFY2(d == 0.0f || std::fabs(d) == scale, qPrintable(QString::number(double(d))));
                    differing += d != 0.0f;
                    ++samples;
                }
                if (unit == 0 && step == 0)
                    first = diff;
            }
        }
        // A and B differ with probability 2p(1 − p).
        const double share = double(differing) / double(samples), expected = 2 * p * (1 - p);
        qInfo("p %.2f: A and B differ in %.4f of %lld samples (expected %.4f)", p, share, (long long)samples, expected);
        QVERIFY2(std::fabs(share - expected) < 0.03, qPrintable(QString::number(share)));
        // The same key gives the same masks, another key others.
        w[4].assign(size_t(H), 0.0f);
        w[4][0] = 1.0f;
        net.setParameters(w);
        b.dropoutKey = dropoutKey(42, 1, 0);
        net.step(b, diff.data(), pool);
        QVERIFY(diff == first);
        if (p > 0) {
            b.dropoutKey = dropoutKey(43, 1, 0);
            net.step(b, diff.data(), pool);
            QVERIFY(diff != first);
        }
    }

    void fastDropout_trainingIsDeterministic()
    {
        const Dataset ds = synthetic(QStringLiteral("dropout.jsonl"));
        TrainConfig c = config(8);
        c.dropout = 0.3;
        QuietObserver o1, o2, o3;
        const TrainResult a = train(ds, c, o1), b = train(ds, c, o2);
        QVERIFY(a.lossHistory == b.lossHistory);
        QVERIFY(a.checkpoint.weights.w2 == b.checkpoint.weights.w2);
        c.dropout = 0;
        QVERIFY(train(ds, c, o3).lossHistory != a.lossHistory);
    }

    // A checkpoint's Adam state is in PyTorch's layout on both paths: a run resumed on the other
    // path continues as the same path would (within rounding).
    void resume_crossesPaths()
    {
        const Dataset ds = synthetic(QStringLiteral("resume.jsonl"));
        TrainConfig c = config(8);
        c.dropout = 0;
        c.keep = KeepPolicy::Last;
        c.epochs = 2;
        c.path = TrainingPath::LibTorch;
        QuietObserver o;
        const TrainResult first = train(ds, c, o);
        const std::string pth = m_dir.filePath(QStringLiteral("resume.pth")).toStdString();
        saveCheckpoint(pth, first.checkpoint);
        const Checkpoint loaded = loadCheckpoint(pth);
        QCOMPARE(loaded.optimizer.step, first.checkpoint.optimizer.step);
        c.path = TrainingPath::Fast;
        const TrainResult onFast = train(ds, c, o, &loaded);
        c.path = TrainingPath::LibTorch;
        const TrainResult onLibTorch = train(ds, c, o, &loaded);
        QCOMPARE(onFast.firstEpoch, 3);
        QCOMPARE(onFast.lossHistory.size(), size_t(4));
        QCOMPARE(onFast.checkpoint.optimizer.step, onLibTorch.checkpoint.optimizer.step);
        const double gap = relativeGap(onFast.lossHistory, onLibTorch.lossHistory);
        QVERIFY2(gap <= 1e-5, qPrintable(QString::number(gap)));
        QVERIFY(onFast.lossHistory[2] < first.lossHistory[0]);
    }

    void threadsZero_measuresOnceThenUsesTheCache()
    {
        if (availableCpus() < 2)
            QSKIP("one CPU: nothing to choose");
        const EnvironmentGuard omp("OMP_NUM_THREADS"), cache("XDG_CACHE_HOME");
        qunsetenv("OMP_NUM_THREADS");
        QTemporaryDir cacheDir;
        qputenv("XDG_CACHE_HOME", cacheDir.path().toUtf8());
        const Dataset ds = synthetic(QStringLiteral("calibrate.jsonl"));
        TrainConfig c = config(8);
        c.threads = 0;
        QuietObserver o;
        QElapsedTimer timer;
        timer.start();
        const TrainResult measured = train(ds, c, o);
        const qint64 firstMs = timer.elapsed();
        QCOMPARE(QString::fromStdString(measured.threadsSource), QStringLiteral("calibrated"));
        QVERIFY(measured.threads >= 1 && measured.threads <= availableCpus());
        QVERIFY(measured.threadsSecondsPerStep.size() >= 2);
        QCOMPARE(measured.threadsSecondsPerStep.front().first, 1);
        const QString file = QString::fromStdString(threadCachePath());
        QVERIFY2(file.startsWith(cacheDir.path()), qPrintable(file));
        QVERIFY(QFileInfo::exists(file));
        nlohmann::json cached = nlohmann::json::parse(readFile(file.toStdString()));
        QVERIFY(cached["classes"].contains(measured.threadsShapeClass));
        QVERIFY(cached["classes"][measured.threadsShapeClass]["load_average"].is_number());
        // Pinned to this moment's load, so that the machine's drift cannot make it stale here.
        cached["classes"][measured.threadsShapeClass]["load_average"] = currentLoad();
        writeFileAtomically(file.toStdString(), cached.dump());
        timer.restart();
        const TrainResult again = train(ds, c, o);
        qInfo("first run (calibrating) %lld ms, second (cached) %lld ms; %d threads", (long long)firstMs,
              (long long)timer.elapsed(), measured.threads);
        QCOMPARE(QString::fromStdString(again.threadsSource), QStringLiteral("cached"));
        QCOMPARE(again.threads, measured.threads);
        // The thread count never changes a number.
        c.threads = 1;
        QVERIFY(train(ds, c, o).lossHistory == measured.lossHistory);
        QVERIFY(again.lossHistory == measured.lossHistory);
    }

    void threadsZero_cacheFromAnotherLoad_isMeasuredAgain_data()
    {
        QTest::addColumn<double>("shift");
        QTest::newRow("busier then") << 3.0;
        QTest::newRow("quieter then") << -3.0;
        QTest::newRow("same load") << 0.0;
    }

    void threadsZero_cacheFromAnotherLoad_isMeasuredAgain()
    {
        // A choice measured while the machine was half a core or more busier or quieter than now
        // may be the slower one now: it is measured again, and the cache rewritten.
        QFETCH(double, shift);
        if (availableCpus() < 2)
            QSKIP("one CPU: nothing to choose");
        const EnvironmentGuard omp("OMP_NUM_THREADS"), cache("XDG_CACHE_HOME");
        qunsetenv("OMP_NUM_THREADS");
        QTemporaryDir cacheDir;
        qputenv("XDG_CACHE_HOME", cacheDir.path().toUtf8());
        const FastShape shape{16, 64, 32};
        const ThreadChoice first = chooseThreads(0, shape, 0.2);
        QCOMPARE(QString::fromStdString(first.source), QStringLiteral("calibrated"));
        const std::string file = threadCachePath();
        nlohmann::json cached = nlohmann::json::parse(readFile(file));
        nlohmann::json &entry = cached["classes"][first.shapeClass];
        const double then = std::max(0.0, currentLoad() + shift);
        if (shift < 0 && then > currentLoad() - 0.5)
            QSKIP("the machine is too quiet now to have been quieter");
        entry["load_average"] = then;
        entry["measured_at"] = "2026-01-01T00:00:00Z";
        writeFileAtomically(file, cached.dump());
        const ThreadChoice again = chooseThreads(0, shape, 0.2);
        const nlohmann::json after = nlohmann::json::parse(readFile(file));
        const std::string measuredAt = after["classes"][first.shapeClass].value("measured_at", std::string());
        if (shift == 0) {
            QCOMPARE(QString::fromStdString(again.source), QStringLiteral("cached"));
            QCOMPARE(measuredAt, std::string("2026-01-01T00:00:00Z"));
        } else {
            QCOMPARE(QString::fromStdString(again.source), QStringLiteral("calibrated"));
            QVERIFY(measuredAt != "2026-01-01T00:00:00Z");
            QVERIFY(std::abs(after["classes"][first.shapeClass].value("load_average", -10.0) - currentLoad()) < 0.5);
        }
    }

    void threadsZero_followsOmpNumThreadsAndAskedCounts()
    {
        const EnvironmentGuard omp("OMP_NUM_THREADS");
        qputenv("OMP_NUM_THREADS", "1");
        const FastShape shape{16, 64, 32};
        ThreadChoice one = chooseThreads(0, shape, 0.2);
        QCOMPARE(one.threads, 1);
        QVERIFY(one.source == "OMP_NUM_THREADS" || one.source == "one CPU");
        ThreadChoice asked = chooseThreads(3, shape, 0.2);
        QCOMPARE(asked.threads, 3);
        QCOMPARE(QString::fromStdString(asked.source), QStringLiteral("asked"));
    }

    void calibration_measuresEachCount()
    {
        QElapsedTimer timer;
        timer.start();
        const std::vector<double> seconds = measureStepSeconds(FastShape{1542, 256, 32}, {1, 2}, 3, 0.2);
        const qint64 ms = timer.elapsed();
        qInfo("seed-shape calibration: %lld ms; %.3f ms/step at 1 thread, %.3f at 2", (long long)ms, seconds[0] * 1e3,
              seconds[1] * 1e3);
        QCOMPARE(seconds.size(), size_t(2));
        QVERIFY(seconds[0] > 0 && seconds[1] > 0);
    }

    void metadata_recordsThreadsAndPath()
    {
        const std::string path = m_dir.filePath(QStringLiteral("meta.jsonl")).toStdString();
        test::writeSyntheticDataset(path, {});
        PipelineRequest request;
        request.input = path;
        request.load.embeddingDim = 8;
        request.train = config(8);
        request.train.threads = 2;
        request.train.epochs = 1;
        request.outputDir = m_dir.filePath(QStringLiteral("meta-run")).toStdString();
        PipelineObserver o;
        const PipelineResult result = runPipeline(request, o);
        const nlohmann::json m = nlohmann::json::parse(readFile(result.metadataPath));
        QCOMPARE(m["threads"].get<int>(), 2);
        QCOMPARE(m["threads_asked"].get<int>(), 2);
        QCOMPARE(m["threads_source"].get<std::string>(), std::string("asked"));
        QCOMPARE(m["training_path"].get<std::string>(), std::string("fast"));
    }

    void workPool_runsEveryTaskOnceWhateverTheThreads()
    {
        for (int threads : {1, 2, 4}) {
            WorkPool pool(threads);
            QCOMPARE(pool.threads(), threads);
            std::vector<std::atomic<int>> hits(100);
            std::atomic<int> badWorker{0};
            for (int region = 0; region < 2000; ++region) {
                const int count = 1 + region % 37;
                pool.run(count, [&](int index, int worker) {
                    hits[size_t(index)].fetch_add(1);
                    if (worker < 0 || worker >= threads)
                        badWorker.fetch_add(1);
                });
            }
            int total = 0;
            for (int i = 0; i < 100; ++i)
                total += hits[size_t(i)].load();
            int expected = 0;
            for (int region = 0; region < 2000; ++region)
                expected += 1 + region % 37;
            QCOMPARE(total, expected);
            QCOMPARE(hits[0].load(), 2000);
            QCOMPARE(badWorker.load(), 0);
        }
    }

    void workPool_doesNotWaitForAnIdleHelper()
    {
        // A helper asleep (or kept off its core) must not hold a region up: the caller does the work.
        WorkPool pool(2);
        QTest::qWait(20); // the helper is asleep by now
        std::atomic<int> done{0};
        pool.run(4, [&](int, int) { done.fetch_add(1); });
        QCOMPARE(done.load(), 4);
    }

    void cudaAuto_takesLibTorch()
    {
        if (!deviceInfo().cudaAvailable)
            QSKIP("no CUDA here: --device auto takes the CPU and the fast path");
        const Dataset ds = synthetic(QStringLiteral("cuda.jsonl"));
        TrainConfig c = config(8);
        c.device = "auto";
        QuietObserver o;
        const TrainResult r = train(ds, c, o);
        QCOMPARE(QString::fromStdString(r.device).left(4), QStringLiteral("cuda"));
        QCOMPARE(QString::fromStdString(r.trainingPath), QStringLiteral("libtorch"));
    }
};

QTEST_GUILESS_MAIN(FastPathTest)
#include "tst_fast_path.moc"
