// Labelling next (issue 15): the Bradley–Terry fit of the labels alone, the suggested pairs (never
// labelled, never implied, uncertain, shared across item types, seeded), and `ranker-train suggest`
// / `bt` writing lines the dataset loader takes once a label is filled in.
#include "core/dataset.h"
#include "core/error.h"
#include "core/labelling/bradley_terry.h"
#include "core/labelling/suggest.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace ranker;

namespace {

/// Spearman's rank correlation (no ties expected in continuous data).
double spearman(const std::vector<double> &x, const std::vector<double> &y)
{
    auto ranks = [](const std::vector<double> &v) {
        std::vector<size_t> order(v.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
        std::vector<double> r(v.size());
        for (size_t k = 0; k < order.size(); ++k)
            r[order[k]] = double(k);
        return r;
    };
    const std::vector<double> rx = ranks(x), ry = ranks(y);
    const double n = double(x.size()), mean = (n - 1) / 2;
    double sxy = 0, sxx = 0;
    for (size_t k = 0; k < rx.size(); ++k) {
        sxy += (rx[k] - mean) * (ry[k] - mean);
        sxx += (rx[k] - mean) * (rx[k] - mean);
    }
    return sxy / sxx;
}

/// Comparisons drawn from hidden utilities: P(a wins) = sigmoid(u_a − u_b).
std::vector<Comparison> drawComparisons(const std::vector<double> &u, size_t count, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pick(0, int(u.size()) - 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::vector<Comparison> out;
    while (out.size() < count) {
        const int a = pick(rng), b = pick(rng);
        if (a == b)
            continue;
        const double p = 1 / (1 + std::exp(-(u[size_t(a)] - u[size_t(b)])));
        out.push_back({a, b, uniform(rng) < p ? 1.0 : 0.0});
    }
    return out;
}

std::vector<double> utilities(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1.5);
    std::vector<double> u(n);
    for (double &x : u)
        x = normal(rng);
    return u;
}

/// A dataset made in memory: `types[i]` is item i's type; pairs are (a, b, label).
Dataset handDataset(const std::vector<std::string> &types, const std::vector<std::array<int, 3>> &pairs)
{
    Dataset ds;
    for (size_t i = 0; i < types.size(); ++i) {
        Item item;
        item.id = "i" + std::to_string(i);
        item.itemType = types[i];
        ds.items.push_back(item);
    }
    for (const auto &[a, b, label] : pairs) {
        Pair p;
        p.a = a;
        p.b = b;
        p.label = int8_t(label);
        ds.pairs.push_back(p);
    }
    return ds;
}

/// `n` items over `typeSizes`, with random labelled pairs among items of one type.
Dataset randomDataset(const std::vector<int> &typeSizes, int pairs, unsigned seed)
{
    std::vector<std::string> types;
    std::vector<std::vector<int>> members(typeSizes.size());
    for (size_t t = 0; t < typeSizes.size(); ++t)
        for (int k = 0; k < typeSizes[t]; ++k) {
            members[t].push_back(int(types.size()));
            types.push_back("type" + std::to_string(t));
        }
    std::mt19937 rng(seed);
    std::vector<std::array<int, 3>> list;
    while (int(list.size()) < pairs) {
        const auto &m = members[rng() % members.size()];
        const int a = m[rng() % m.size()], b = m[rng() % m.size()];
        if (a != b)
            list.push_back({a, b, rng() % 2 ? 1 : -1});
    }
    return handDataset(types, list);
}

std::set<std::pair<int32_t, int32_t>> labelledPairs(const Dataset &ds)
{
    std::set<std::pair<int32_t, int32_t>> out;
    for (const Pair &p : ds.pairs) {
        out.insert({p.a, p.b});
        out.insert({p.b, p.a});
    }
    return out;
}

struct Run
{
    int exitCode = -1;
    QByteArray out, err;
};

Run run(const QStringList &arguments)
{
    QProcess process;
    process.start(test::binaryPath("app/ranker-train"), arguments);
    Run r;
    if (!process.waitForFinished(300000))
        return r;
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

/// One pair line of two small items ("id", "item_type", a 2-value embedding, a text field).
QByteArray pairLine(const char *a, const char *b, int label, const char *type = "project")
{
    return QStringLiteral("{\"item_a\":{\"id\":\"%1\",\"item_type\":\"%3\",\"embedding\":[0.5,1],\"title\":\"The %1\"},"
                          "\"item_b\":{\"id\":\"%2\",\"item_type\":\"%3\",\"embedding\":[1,0.25],\"title\":\"The %2\"},"
                          "\"label\":%4}\n")
        .arg(QString::fromLatin1(a), QString::fromLatin1(b), QString::fromLatin1(type), QString::number(label))
        .toUtf8();
}

} // namespace

class LabellingTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data, m_run;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::WorldOptions world;
        world.items = 150;
        world.pairs = 400;
        m_data = path("train.jsonl");
        test::writeWorldDataset(m_data.toStdString(), world);
        m_run = path("run");
        const Run r =
            run({QStringLiteral("--input"), m_data, QStringLiteral("--output"), m_run,
                 QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--hidden-dim"),
                 QStringLiteral("16"), QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--threads"),
                 QStringLiteral("1"), QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // --- Bradley–Terry ---

    void bradleyTerry_recoversKnownUtilityOrder()
    {
        const std::vector<double> u = utilities(60, 3);
        const BradleyTerryFit fit = fitBradleyTerry(u.size(), drawComparisons(u, 1500, 4));
        QVERIFY(fit.converged);
        std::vector<double> strength;
        for (const BradleyTerryItem &item : fit.items)
            strength.push_back(item.strength);
        const double rho = spearman(strength, u);
        QVERIFY2(rho > 0.9, qPrintable(QString::number(rho)));
        // The ranking lists the items strongest first.
        const std::vector<int32_t> order = fit.ranking();
        QCOMPARE(order.size(), u.size());
        for (size_t k = 0; k + 1 < order.size(); ++k)
            QVERIFY(fit.items[size_t(order[k])].strength >= fit.items[size_t(order[k + 1])].strength);
        // Deterministic: the same comparisons give the same numbers, bit for bit.
        const BradleyTerryFit again = fitBradleyTerry(u.size(), drawComparisons(u, 1500, 4));
        for (size_t i = 0; i < u.size(); ++i) {
            QCOMPARE(again.items[i].strength, fit.items[i].strength);
            QCOMPARE(again.items[i].stdError, fit.items[i].stdError);
        }
    }

    void bradleyTerry_intervalsShrinkWithMoreComparisons()
    {
        const std::vector<double> u = utilities(40, 5);
        auto meanWidth = [&](size_t comparisons) {
            const BradleyTerryFit fit = fitBradleyTerry(u.size(), drawComparisons(u, comparisons, 6));
            double width = 0;
            for (const BradleyTerryItem &item : fit.items) {
                width += item.high - item.low;
                if (!(item.low < item.strength && item.strength < item.high))
                    return -1.0;
            }
            return width / double(u.size());
        };
        const double few = meanWidth(200), many = meanWidth(3200);
        QVERIFY2(few > 0 && many > 0, "an interval does not hold its estimate");
        // Information grows with the comparisons: 16 times as many, about a quarter of the width.
        QVERIFY2(many < 0.5 * few, qPrintable(QStringLiteral("%1 vs %2").arg(many).arg(few)));
        // The exact intervals (the whole inverse Hessian) are wider than each item's own curvature.
        BradleyTerryOptions diagonal;
        diagonal.maxDenseItems = 0;
        const std::vector<Comparison> c = drawComparisons(u, 400, 7);
        const BradleyTerryFit exact = fitBradleyTerry(u.size(), c), approx = fitBradleyTerry(u.size(), c, diagonal);
        QVERIFY(exact.exactIntervals);
        QVERIFY(!approx.exactIntervals);
        for (size_t i = 0; i < u.size(); ++i)
            QVERIFY(exact.items[i].stdError >= approx.items[i].stdError - 1e-12);
    }

    void bradleyTerry_allWinsItemStaysFinite()
    {
        // Item 0 wins all its comparisons, item 4 is never compared, 1–3 are a fair circle.
        std::vector<Comparison> c;
        for (int k = 0; k < 10; ++k) {
            const int other = 1 + k % 3;
            c.push_back(k % 2 ? Comparison{other, 0, 0.0} : Comparison{0, other, 1.0});
        }
        c.push_back({1, 2, 1.0});
        c.push_back({2, 3, 1.0});
        c.push_back({3, 1, 1.0});
        c.push_back({1, 3, 0.5});
        const BradleyTerryFit fit = fitBradleyTerry(5, c);
        QVERIFY(fit.converged);
        QCOMPARE(fit.ties, int64_t(1));
        QCOMPARE(fit.decisive, int64_t(13));
        const BradleyTerryItem &winner = fit.items[0];
        QVERIFY(std::isfinite(winner.strength) && std::isfinite(winner.high));
        QCOMPARE(winner.wins, 10.0);
        QCOMPARE(winner.comparisons, int64_t(10));
        for (int i = 1; i < 4; ++i)
            QVERIFY(winner.strength > fit.items[size_t(i)].strength + 1);
        QCOMPARE(fit.ranking().front(), 0);
        QCOMPARE(fit.items[1].wins, 1.5);     // a win, a tie (half) and four losses to item 0
        QCOMPARE(fit.items[4].strength, 0.0); // never compared: the prior's middle and width
        QCOMPARE(fit.items[4].stdError, BradleyTerryOptions().priorSd);
        QCOMPARE(fit.items[4].comparisons, int64_t(0));
        QVERIFY_THROWS_EXCEPTION(Error, fitBradleyTerry(2, {{0, 2, 1.0}}));
    }

    void bradleyTerry_ofDataset_readsLabels()
    {
        // label 1: A preferred; −1: B preferred; 0: half each.
        const Dataset ds = handDataset({"p", "p", "p"}, {{0, 1, 1}, {1, 2, -1}, {0, 2, 0}});
        const BradleyTerryFit fit = fitBradleyTerry(ds);
        QCOMPARE(fit.items[0].wins, 1.5);
        QCOMPARE(fit.items[1].wins, 0.0);
        QCOMPARE(fit.items[2].wins, 1.5);
        QVERIFY(std::fabs(fit.items[0].strength - fit.items[2].strength) < 1e-9);
        QVERIFY(fit.items[1].strength < fit.items[0].strength);
    }

    void bradleyTerry_besideModel_disagreementsFirst()
    {
        // Labels say 0 > 1 > 2 > 3 many times over; the model agrees except that it puts 3 on top.
        std::vector<Comparison> c;
        for (int k = 0; k < 20; ++k)
            for (int a = 0; a < 3; ++a)
                c.push_back({a, a + 1, 1.0});
        const BradleyTerryFit fit = fitBradleyTerry(5, c); // item 4: never compared
        const std::vector<RankComparison> rows = compareWithModel(fit, {3.0, 2.0, 1.0, 9.0, 100.0});
        QCOMPARE(rows.size(), size_t(4)); // the uncompared item is left out
        QCOMPARE(rows[0].item, 3);
        QCOMPARE(rows[0].labelRank, int64_t(4));
        QCOMPARE(rows[0].modelRank, int64_t(1));
        QVERIFY(rows[0].outsideInterval);
        for (size_t k = 1; k < rows.size(); ++k) {
            QCOMPARE(rows[k].modelRank, rows[k].labelRank + 1); // each moved down one by item 3
            QCOMPARE(rows[k].item, int32_t(k - 1));
        }
        // Where the labels are few, the interval allows any rank: nothing is outside it.
        const BradleyTerryFit weak = fitBradleyTerry(4, {{0, 1, 1.0}, {2, 3, 1.0}});
        for (const RankComparison &row : compareWithModel(weak, {0.0, 1.0, 2.0, 3.0}))
            QVERIFY(!row.outsideInterval);
        QVERIFY_THROWS_EXCEPTION(Error, compareWithModel(fit, {1.0}));
    }

    // --- Suggested pairs ---

    void suggest_neverReturnsLabelledOrImpliedPairs_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<bool>("withScores");
        QTest::newRow("uncertain-model") << int(SuggestStrategy::Uncertain) << true;
        QTest::newRow("uncertain-labels-only") << int(SuggestStrategy::Uncertain) << false;
        QTest::newRow("random") << int(SuggestStrategy::Random) << true;
    }

    void suggest_neverReturnsLabelledOrImpliedPairs()
    {
        QFETCH(int, strategy);
        QFETCH(bool, withScores);
        // Dense enough that chains imply many pairs: 30 items of one type, 120 consistent labels.
        const std::vector<double> u = utilities(30, 8);
        std::vector<std::array<int, 3>> pairs;
        std::mt19937 rng(9);
        while (pairs.size() < 120) {
            const int a = int(rng() % 30), b = int(rng() % 30);
            if (a != b)
                pairs.push_back({a, b, u[size_t(a)] > u[size_t(b)] ? 1 : -1});
        }
        const Dataset ds = handDataset(std::vector<std::string>(30, "project"), pairs);
        SuggestOptions options;
        options.count = 200;
        options.strategy = SuggestStrategy(strategy);
        const Suggestions s = suggestPairs(ds, withScores ? utilities(30, 10) : std::vector<double>(), options);
        QVERIFY(!s.pairs.empty());
        QVERIFY2(s.impliedSkipped > 0, "the test data implies no pair: it cannot test the exclusion");
        const auto labelled = labelledPairs(ds);
        std::set<std::pair<int32_t, int32_t>> seen;
        for (const SuggestedPair &p : s.pairs) {
            QVERIFY(p.a != p.b);
            QVERIFY2(!labelled.count({p.a, p.b}), "a labelled pair was suggested");
            QVERIFY2(seen.insert({std::min(p.a, p.b), std::max(p.a, p.b)}).second, "a pair was suggested twice");
            const bool ab = !preferenceChain(ds, p.a, p.b).empty(), ba = !preferenceChain(ds, p.b, p.a).empty();
            QVERIFY2(ab == ba, "an implied pair was suggested");
        }
        for (const ImpliedPair &i : s.implied) {
            QVERIFY(i.chain.size() >= 3);
            QVERIFY(!labelled.count({i.preferred, i.other}));
        }
    }

    void suggest_impliedChainOnHandBuiltGraph()
    {
        // i0 > i1 > i2 > i3 (by labels written either way round), i4 is new.
        const Dataset ds = handDataset({"p", "p", "p", "p", "p"}, {{0, 1, 1}, {2, 1, -1}, {2, 3, 1}});
        SuggestOptions options;
        options.count = 10;
        const Suggestions s = suggestPairs(ds, {}, options);
        std::set<std::pair<int32_t, int32_t>> got;
        for (const SuggestedPair &p : s.pairs)
            got.insert({std::min(p.a, p.b), std::max(p.a, p.b)});
        const std::set<std::pair<int32_t, int32_t>> free = {{0, 4}, {1, 4}, {2, 4}, {3, 4}};
        QCOMPARE(got, free);
        std::map<std::pair<int32_t, int32_t>, std::vector<int32_t>> chains;
        for (const ImpliedPair &i : s.implied)
            chains[{i.preferred, i.other}] = i.chain;
        QCOMPARE(s.impliedSkipped, int64_t(3));
        QCOMPARE(chains.size(), size_t(3));
        QCOMPARE((chains[{0, 2}]), (std::vector<int32_t>{0, 1, 2}));
        QCOMPARE((chains[{0, 3}]), (std::vector<int32_t>{0, 1, 2, 3}));
        QCOMPARE((chains[{1, 3}]), (std::vector<int32_t>{1, 2, 3}));
        QCOMPARE(preferenceChain(ds, 3, 0), std::vector<int32_t>());

        // A cycle (i3 > i0 as well) makes i0 vs i2 contested both ways: worth a label, not implied.
        const Dataset cycle = handDataset({"p", "p", "p", "p"}, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 0, 1}});
        const Suggestions c = suggestPairs(cycle, {}, options);
        QCOMPARE(c.impliedSkipped, int64_t(0));
        QCOMPARE(c.pairs.size(), size_t(2)); // i0–i2 and i1–i3
    }

    void suggest_isDeterministicPerSeed_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::newRow("uncertain") << int(SuggestStrategy::Uncertain);
        QTest::newRow("random") << int(SuggestStrategy::Random);
    }

    void suggest_isDeterministicPerSeed()
    {
        QFETCH(int, strategy);
        const Dataset ds = randomDataset({80, 80}, 100, 12);
        SuggestOptions options;
        options.count = 30;
        options.strategy = SuggestStrategy(strategy);
        auto key = [&](uint64_t seed) {
            options.seed = seed;
            std::vector<std::pair<int32_t, int32_t>> out;
            for (const SuggestedPair &p : suggestPairs(ds, {}, options).pairs)
                out.push_back({p.a, p.b});
            return out;
        };
        QCOMPARE(key(1).size(), size_t(30));
        QCOMPARE(key(1), key(1));
        QVERIFY(key(1) != key(2));
    }

    void suggest_prefersUncertainPairs()
    {
        const Dataset ds = randomDataset({200}, 300, 13);
        const std::vector<double> scores = utilities(200, 14);
        SuggestOptions options;
        options.count = 50;
        auto meanDistance = [&](SuggestStrategy strategy) {
            options.strategy = strategy;
            const Suggestions s = suggestPairs(ds, scores, options);
            double d = 0;
            for (const SuggestedPair &p : s.pairs)
                d += std::fabs(p.probabilityA - 0.5);
            return s.pairs.size() == 50 ? d / 50 : -1;
        };
        const double uncertain = meanDistance(SuggestStrategy::Uncertain),
                     random = meanDistance(SuggestStrategy::Random);
        QVERIFY(uncertain >= 0 && random >= 0);
        QVERIFY2(uncertain < 0.1 && uncertain < 0.3 * random,
                 qPrintable(QStringLiteral("uncertain %1, random %2").arg(uncertain).arg(random)));
    }

    void suggest_prefersItemsWithFewComparisons()
    {
        // Items 0–49 have many labels, 50–99 none: without a model, the new items come first.
        std::vector<std::array<int, 3>> pairs;
        for (int a = 0; a < 50; ++a)
            for (int k = 1; k <= 4; ++k)
                pairs.push_back({a, (a + k) % 50, 1});
        const Dataset ds = handDataset(std::vector<std::string>(100, "p"), pairs);
        SuggestOptions options;
        options.count = 20;
        int fresh = 0;
        for (const SuggestedPair &p : suggestPairs(ds, {}, options).pairs)
            fresh += (p.a >= 50) + (p.b >= 50);
        QVERIFY2(fresh >= 36, qPrintable(QString::number(fresh)));
    }

    void suggest_sharesBatchAcrossTypes_data()
    {
        QTest::addColumn<std::vector<int>>("sizes");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("equal") << std::vector<int>{60, 60, 60} << std::vector<int>{10, 10, 10};
        QTest::newRow("proportional") << std::vector<int>{90, 60, 30} << std::vector<int>{15, 10, 5};
        QTest::newRow("one-too-small") << std::vector<int>{100, 1, 50} << std::vector<int>{20, 0, 10};
    }

    void suggest_sharesBatchAcrossTypes()
    {
        QFETCH(std::vector<int>, sizes);
        QFETCH(std::vector<int>, expected);
        const Dataset ds = randomDataset(sizes, 60, 15);
        std::vector<double> scores = utilities(ds.items.size(), 16);
        SuggestOptions options;
        options.count = 30;
        for (SuggestStrategy strategy : {SuggestStrategy::Uncertain, SuggestStrategy::Random}) {
            options.strategy = strategy;
            const Suggestions s = suggestPairs(ds, scores, options);
            std::map<std::string, int> perType;
            for (const SuggestedPair &p : s.pairs) {
                QCOMPARE(ds.items[size_t(p.a)].itemType, ds.items[size_t(p.b)].itemType);
                ++perType[ds.items[size_t(p.a)].itemType];
            }
            for (size_t t = 0; t < sizes.size(); ++t)
                QCOMPARE(perType["type" + std::to_string(t)], expected[t]);
        }
        options.withinType = false;
        int mixed = 0;
        for (const SuggestedPair &p : suggestPairs(ds, scores, options).pairs)
            mixed += ds.items[size_t(p.a)].itemType != ds.items[size_t(p.b)].itemType;
        QVERIFY(mixed > 0);
    }

    void suggest_scalesWithoutEnumeratingAllPairs()
    {
        const Dataset ds = randomDataset({40000}, 20000, 17);
        const std::vector<double> scores = utilities(ds.items.size(), 18);
        SuggestOptions options;
        options.count = 100;
        QElapsedTimer timer;
        timer.start();
        const Suggestions s = suggestPairs(ds, scores, options);
        QCOMPARE(s.pairs.size(), size_t(100));
        QVERIFY2(s.candidates <= int64_t(ds.items.size() * options.partnersPerItem),
                 qPrintable(QString::number(s.candidates)));
        qInfo("100 suggestions from %lld candidates in %lld ms", (long long)s.candidates, (long long)timer.elapsed());
        QVERIFY_THROWS_EXCEPTION(Error, suggestPairs(ds, {1.0, 2.0}, options));
    }

    // --- ranker-train suggest / bt ---

    void cli_suggestWritesLinesTheLoaderTakesOnceLabelled()
    {
        const QString out = path("suggested.jsonl");
        const Run r = run({QStringLiteral("suggest"), QStringLiteral("--input"), m_data, QStringLiteral("--model"),
                           m_run, QStringLiteral("--count"), QStringLiteral("24"), QStringLiteral("--output"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("wrote 24 pairs"), r.out.constData());
        const QByteArray bytes = readAll(out);
        const QByteArray original = readAll(m_data);
        const QList<QByteArray> lines = bytes.trimmed().split('\n');
        QCOMPARE(lines.size(), 24);
        QByteArray answered;
        for (const QByteArray &line : lines) {
            // Unanswered, the line is not data...
            QVERIFY2(!validateLine(line.toStdString(), 8).empty(), line.constData());
            const nlohmann::json j = nlohmann::json::parse(line.toStdString());
            QVERIFY(j["label"].is_null());
            QVERIFY(j["suggestion"]["p_a"].is_number());
            // ...its items are the file's, byte for byte...
            QVERIFY(line.startsWith("{\"item_a\":"));
            const qsizetype b = line.indexOf(",\"item_b\":"), end = line.indexOf(",\"label\":null");
            QVERIFY(b > 0 && end > b);
            QVERIFY(original.contains(line.mid(10, b - 10)));
            QVERIFY(original.contains(line.mid(b + 10, end - b - 10)));
            QByteArray filled = line;
            filled.replace("\"label\":null", "\"label\":-1");
            // ...and once labelled it is an ordinary pair.
            QVERIFY2(validateLine(filled.toStdString(), 8).empty(), filled.constData());
            answered += filled + '\n';
        }
        writeAll(path("answered.jsonl"), answered);
        LoadOptions load;
        load.embeddingDim = 8;
        const Dataset ds = loadDataset(path("answered.jsonl").toStdString(), load);
        QCOMPARE(ds.pairs.size(), size_t(24));
        QVERIFY(ds.skipped.empty());
        const Dataset train = loadDataset(m_data.toStdString(), load);
        std::set<std::pair<std::string, std::string>> labelled;
        for (const Pair &p : train.pairs) {
            labelled.insert({train.items[size_t(p.a)].id, train.items[size_t(p.b)].id});
            labelled.insert({train.items[size_t(p.b)].id, train.items[size_t(p.a)].id});
        }
        for (const Pair &p : ds.pairs) {
            QVERIFY(!labelled.count({ds.items[size_t(p.a)].id, ds.items[size_t(p.b)].id}));
            QCOMPARE(ds.items[size_t(p.a)].itemType, ds.items[size_t(p.b)].itemType);
        }
        // The item text comes through whole (the items carry metrics and embeddings).
        const nlohmann::json first = nlohmann::json::parse(lines.front().toStdString());
        QCOMPARE(first["item_a"]["embedding"].size(), size_t(8));
        QVERIFY(first["item_a"]["metrics"].contains("clarity"));

        // stdout without --output: the same lines for the same seed.
        const Run again = run({QStringLiteral("suggest"), QStringLiteral("--input"), m_data, QStringLiteral("--model"),
                               m_run, QStringLiteral("--count"), QStringLiteral("24")});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, bytes);
    }

    void cli_suggestReportsImpliedPairsWithoutModel()
    {
        const QString input = path("chain.jsonl");
        // a > b > c and x > y > z imply a > c and x > z; a tie (a = d) implies nothing.
        writeAll(input, pairLine("a", "b", 1) + pairLine("c", "b", -1) + pairLine("a", "d", 0) +
                            pairLine("x", "y", 1, "skill") + pairLine("y", "z", 1, "skill"));
        const Run r = run({QStringLiteral("suggest"), QStringLiteral("--input"), input, QStringLiteral("--count"),
                           QStringLiteral("5"), QStringLiteral("--embedding-dim"), QStringLiteral("2"),
                           QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        std::set<std::string> pairs;
        for (const nlohmann::json &p : j["pairs"])
            pairs.insert(std::min(p["a"].get<std::string>(), p["b"].get<std::string>()) +
                         std::max(p["a"].get<std::string>(), p["b"].get<std::string>()));
        QCOMPARE(pairs, (std::set<std::string>{"bd", "cd"}));
        QCOMPARE(j["count"].get<int>(), 2);
        QVERIFY(j["pairs"][0]["line"].get<std::string>().find("\"label\":null") != std::string::npos);
        QCOMPARE(j["implied_skipped"].get<int>(), 2); // a > c by a > b > c; x > z by x > y > z
        std::set<std::string> chains;
        for (const nlohmann::json &i : j["implied"])
            chains.insert(i["chain"].dump());
        QCOMPARE(chains, (std::set<std::string>{R"(["a","b","c"])", R"(["x","y","z"])"}));
        QVERIFY(j["model"].is_null());
        QVERIFY2(r.err.contains("implied: a > c by a > b > c"), r.err.constData());
    }

    void cli_suggestPairsNewItemsFromItemsFile()
    {
        // Two labelled items, and a pool of items never labelled (one line each, an unknown text field).
        const QString input = path("few.jsonl"), pool = path("pool.jsonl");
        writeAll(input, pairLine("a", "b", 1));
        QByteArray items;
        for (int k = 0; k < 6; ++k)
            items += QStringLiteral("{\"id\": %1, \"item_type\": \"project\", \"embedding\": [%1, 1], "
                                    "\"note\": \"new item %1\"}\n")
                         .arg(k + 1)
                         .toUtf8();
        items += pairLine("a", "c", 1); // a pair's items count too; "a" is already known
        writeAll(pool, items);
        const QString out = path("new.jsonl");
        const Run r = run({QStringLiteral("suggest"), QStringLiteral("--input"), input, QStringLiteral("--items"), pool,
                           QStringLiteral("--count"), QStringLiteral("8"), QStringLiteral("--embedding-dim"),
                           QStringLiteral("2"), QStringLiteral("--output"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray bytes = readAll(out);
        QCOMPARE(bytes.count('\n'), qsizetype(8));
        QVERIFY2(
            bytes.contains("{\"id\": 3, \"item_type\": \"project\", \"embedding\": [3, 1], \"note\": \"new item 3\"}"),
            bytes.constData());
        QVERIFY(bytes.contains("\"id\":\"c\""));
        QVERIFY(!bytes.contains("\"item_a\":{\"id\":\"a\",\"item_type\":\"project\",\"embedding\":[0.5,1],\"title\":"
                                "\"The a\"},\"item_b\":{\"id\":\"b\""));
        writeAll(path("new-answered.jsonl"), QByteArray(bytes).replace("\"label\":null", "\"label\":1"));
        LoadOptions load;
        load.embeddingDim = 2;
        const Dataset ds = loadDataset(path("new-answered.jsonl").toStdString(), load);
        QCOMPARE(ds.pairs.size(), size_t(8));
        QVERIFY(ds.skipped.empty());
    }

    void cli_outputLeftUntouchedOnError_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("message");
        QTest::newRow("no-model") << QStringLiteral("model") << QStringLiteral("no-such-run");
        QTest::newRow("all-pairs-labelled") << QStringLiteral("labelled") << QStringLiteral("no pair is left");
        QTest::newRow("input-missing") << QStringLiteral("input") << QStringLiteral("missing.jsonl");
    }

    void cli_outputLeftUntouchedOnError()
    {
        QFETCH(QString, problem);
        QFETCH(QString, message);
        const QString out = path("keep.jsonl");
        writeAll(out, "an earlier batch\n");
        const QString full = path("full.jsonl");
        writeAll(full, pairLine("a", "b", 1) + pairLine("b", "c", 1) + pairLine("a", "c", -1));
        QStringList args = {QStringLiteral("suggest"), QStringLiteral("--count"), QStringLiteral("3"),
                            QStringLiteral("--output"), out};
        if (problem == QStringLiteral("model"))
            args << QStringLiteral("--input") << m_data << QStringLiteral("--model") << path("no-such-run");
        else if (problem == QStringLiteral("labelled"))
            args << QStringLiteral("--input") << full << QStringLiteral("--embedding-dim") << QStringLiteral("2");
        else
            args << QStringLiteral("--input") << path("missing.jsonl");
        const Run r = run(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("ranker-train: error: ") && r.err.contains(message.toUtf8()), r.err.constData());
        QCOMPARE(readAll(out), QByteArray("an earlier batch\n"));
        QVERIFY(r.out.isEmpty());
    }

    void cli_suggestUsageErrors()
    {
        const Run zero = run({QStringLiteral("suggest"), QStringLiteral("--input"), m_data, QStringLiteral("--count"),
                              QStringLiteral("0")});
        QCOMPARE(zero.exitCode, 2);
        QVERIFY2(zero.err.startsWith("usage: ranker-train suggest"), zero.err.constData());
        const Run strategy =
            run({QStringLiteral("suggest"), QStringLiteral("--input"), m_data, QStringLiteral("--count"),
                 QStringLiteral("3"), QStringLiteral("--strategy"), QStringLiteral("best")});
        QCOMPARE(strategy.exitCode, 2);
    }

    void cli_btRanksByLabels()
    {
        const QString input = path("bt.jsonl");
        writeAll(input, pairLine("a", "b", 1) + pairLine("b", "c", 1) + pairLine("a", "c", 1) + pairLine("c", "d", 0));
        const Run r = run({QStringLiteral("bt"), QStringLiteral("--input"), input, QStringLiteral("--embedding-dim"),
                           QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["items"].size(), size_t(4));
        QCOMPARE(j["items"][0]["id"].get<std::string>(), std::string("a"));
        QCOMPARE(j["items"][1]["id"].get<std::string>(), std::string("b"));
        QCOMPARE(j["ties"].get<int>(), 1);
        for (const nlohmann::json &item : j["items"])
            QVERIFY(item["low"].get<double>() < item["strength"].get<double>() &&
                    item["strength"].get<double>() < item["high"].get<double>());
        const QString csv = path("bt.csv");
        const Run w = run({QStringLiteral("bt"), QStringLiteral("--input"), input, QStringLiteral("--embedding-dim"),
                           QStringLiteral("2"), QStringLiteral("--output"), csv});
        QCOMPARE(w.exitCode, 0);
        const QList<QByteArray> rows = readAll(csv).trimmed().split('\n');
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows[0], QByteArray("rank,id,item_type,strength,low,high,std_error,comparisons,wins"));
        QVERIFY(rows[1].startsWith("1,\"a\",\"project\","));

        // Beside a model: both ranks per item, every compared item once.
        const Run m = run({QStringLiteral("bt"), QStringLiteral("--input"), m_data, QStringLiteral("--model"), m_run,
                           QStringLiteral("--json")});
        QVERIFY2(m.exitCode == 0, m.err.constData());
        const nlohmann::json mj = nlohmann::json::parse(m.out.toStdString());
        std::set<int64_t> labelRanks, modelRanks;
        int64_t previous = -1;
        for (const nlohmann::json &item : mj["items"]) {
            labelRanks.insert(item["rank"].get<int64_t>());
            modelRanks.insert(item["model_rank"].get<int64_t>());
            const int64_t gap = std::llabs(item["rank"].get<int64_t>() - item["model_rank"].get<int64_t>());
            QVERIFY(previous < 0 || gap <= previous); // the largest disagreements first
            previous = gap;
        }
        QCOMPARE(labelRanks.size(), mj["items"].size());
        QCOMPARE(modelRanks.size(), mj["items"].size());
        QCOMPARE(*modelRanks.rbegin(), int64_t(mj["items"].size()));
    }
};

QTEST_GUILESS_MAIN(LabellingTest)
#include "tst_labelling.moc"
