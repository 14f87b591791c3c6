// Dataset loading: every field, dedup by id, feature layout, and a diagnostic for every bad line.
#include "core/dataset.h"
#include "core/error.h"
#include "core/features.h"
#include "core/json_syntax.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace ranker;

namespace {

const char *const kItemA =
    R"({"id": "a1", "item_type": "project", "embedding": [0.1, 0.2, 0.3], "metrics": {"stars": 3, "clarity": 0.5}})";
const char *const kItemB =
    R"({"id": "b1", "item_type": "skill", "embedding": [0.3, 0.2, 0.1], "metrics": {"stars": 1}})";

std::string goodLine(int label = 1)
{
    return std::string("{\"item_a\": ") + kItemA + ", \"item_b\": " + kItemB + ", \"label\": " + std::to_string(label) +
           ", \"reason_tags\": [\"relevance\"], \"similarity\": 0.8}";
}

} // namespace

class DatasetTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const QString &name, const std::string &content)
    {
        const std::string path = m_dir.filePath(name).toStdString();
        std::ofstream out(path, std::ios::binary);
        out << content;
        return path;
    }

    static LoadOptions dim3()
    {
        LoadOptions o;
        o.embeddingDim = 3;
        return o;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void loadValidFile_readsEveryField()
    {
        const std::string path = write("good.jsonl", goodLine(1) + "\n\n" + goodLine(-1) + "\r\n" + goodLine(0) + "\n");
        const Dataset ds = loadDataset(path, dim3());
        QCOMPARE(ds.pairs.size(), size_t(3));
        QCOMPARE(ds.lines, int64_t(4));
        QCOMPARE(ds.blankLines, int64_t(1));
        QVERIFY(ds.skipped.empty());
        QCOMPARE(ds.items.size(), size_t(2)); // deduplicated by id
        QCOMPARE(ds.labelCount(1), int64_t(1));
        QCOMPARE(ds.labelCount(0), int64_t(1));
        QCOMPARE(ds.labelCount(-1), int64_t(1));
        QCOMPARE(ds.pairs[1].line, int64_t(3));
        QCOMPARE(ds.items[0].id, std::string("a1"));
        QCOMPARE(ds.items[0].itemType, std::string("project"));
        QCOMPARE(ds.embeddings[1], 0.2f);
        QCOMPARE(ds.embeddings[3], 0.3f);
        QVERIFY(ds.pairs[0].hasSimilarity);
        QCOMPARE(ds.pairs[0].similarity, 0.8);
        QCOMPARE(ds.reasonTagNames, std::vector<std::string>{"relevance"});
        // Metric names are the sorted union.
        QCOMPARE(ds.metricNames, (std::vector<std::string>{"clarity", "stars"}));
        QCOMPARE(ds.sha256.size(), size_t(64));
    }

    void featureLayout_sortsMetricsAndImputesTheMean()
    {
        const std::string path = write("layout.jsonl", goodLine(1) + "\n");
        const Dataset ds = loadDataset(path, dim3());
        const FeatureLayout layout = computeLayout(ds, {0, 1});
        QCOMPARE(layout.featureDim(), 5);
        // clarity: only a1 has it (0.5): mean 0.5, constant → std 1. stars: 3 and 1 → mean 2, std 1.
        QCOMPARE(layout.mean[3], 0.5f);
        QCOMPARE(layout.std[3], 1.0f);
        QCOMPARE(layout.mean[4], 2.0f);
        QCOMPARE(layout.std[4], 1.0f);
        QCOMPARE(layout.mean[0], 0.0f);
        const std::vector<float> rows = rawFeatureMatrix(ds, layout);
        // b1 lacks clarity: it takes the training mean.
        QCOMPARE(rows[5 + 3], 0.5f);
        QCOMPARE(rows[5 + 4], 1.0f);
        QCOMPARE(rows[0 + 4], 3.0f);
    }

    void loadBadLine_reportsLineNumberAndReason_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("reason");
        const QString a = QString::fromUtf8(kItemA), b = QString::fromUtf8(kItemB);
        auto pair = [&](const QString &label) {
            return QStringLiteral("{\"item_a\": %1, \"item_b\": %2, \"label\": %3}").arg(a, b, label);
        };
        QTest::newRow("invalid-json") << QStringLiteral("{\"item_a\": {\"id\": \"x\",, }")
                                      << QStringLiteral("invalid JSON");
        QTest::newRow("not-an-object") << QStringLiteral("[1, 2, 3]") << QStringLiteral("not a JSON object");
        QTest::newRow("missing-item-a") << QStringLiteral("{\"item_b\": %1, \"label\": 1}").arg(b)
                                        << QStringLiteral("missing field item_a");
        QTest::newRow("missing-label") << QStringLiteral("{\"item_a\": %1, \"item_b\": %2}").arg(a, b)
                                       << QStringLiteral("missing field label");
        QTest::newRow("label-2") << pair(QStringLiteral("2")) << QStringLiteral("label must be 1, 0 or -1, got 2");
        QTest::newRow("label-is-string") << pair(QStringLiteral("\"1\""))
                                         << QStringLiteral("label must be 1, 0 or -1, got string \"1\"");
        QTest::newRow("label-null") << pair(QStringLiteral("null"))
                                    << QStringLiteral("label must be 1, 0 or -1, got null");
        QTest::newRow("label-float") << pair(QStringLiteral("1.0"))
                                     << QStringLiteral("label must be 1, 0 or -1, got 1.0");
        QTest::newRow("metric-string")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"m\", \"metrics\": {\"stars\": \"many\"}}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.metrics.stars must be a number, got string \"many\"");
        QTest::newRow("nan")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"n\", \"metrics\": {\"stars\": NaN}}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("non-finite number");
        QTest::newRow("infinity")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"n\", \"embedding\": [Infinity, 1, 2]}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("non-finite number");
        QTest::newRow("huge-number")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"n\", \"embedding\": [1e999, 1, 2]}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.embedding[0] is out of range");
        QTest::newRow("embedding-wrong-length")
            << QStringLiteral("{\"item_a\": {\"id\": \"e\", \"embedding\": [1, 2]}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.embedding has 2 values, expected 3 (--embedding-dim)");
        QTest::newRow("embedding-element-string")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"e\", \"embedding\": [1, \"x\", 2]}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.embedding[1] is not a number");
        QTest::newRow("missing-id")
            << QStringLiteral("{\"item_a\": {\"item_type\": \"x\"}, \"item_b\": %1, \"label\": 1}").arg(b)
            << QStringLiteral("missing field item_a.id");
        QTest::newRow("item-not-object") << QStringLiteral("{\"item_a\": 5, \"item_b\": %1, \"label\": 1}").arg(b)
                                         << QStringLiteral("item_a must be an object, got 5");
        QTest::newRow("same-item") << QStringLiteral("{\"item_a\": %1, \"item_b\": %1, \"label\": 1}").arg(a)
                                   << QStringLiteral("item_a and item_b are the same item");
        QTest::newRow("reason-tags-not-strings")
            << QStringLiteral("{\"item_a\": %1, \"item_b\": %2, \"label\": 1, \"reason_tags\": [1]}").arg(a, b)
            << QStringLiteral("reason_tags must be an array of strings");
        QTest::newRow("trailing-garbage") << pair(QStringLiteral("1")) + QStringLiteral(" xyz")
                                          << QStringLiteral("unexpected content after the object");
        QTest::newRow("trailing-object") << pair(QStringLiteral("1")) + QStringLiteral(" {}")
                                         << QStringLiteral("unexpected content after the object");
        // A metric is a float32 feature: finite as a double is not enough (issue 12).
        QTest::newRow("metric-overflows-float32")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"m\", \"metrics\": {\"stars\": 1e300}}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.metrics.stars: 1e300 does not fit a 32-bit float");
        QTest::newRow("metric-overflows-float32-negative")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"m\", \"metrics\": {\"views\": -3.5e38}}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.metrics.views: -3.5e38 does not fit a 32-bit float");
        QTest::newRow("embedding-overflows-float32")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"n\", \"embedding\": [1e39, 1, 2]}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.embedding[0]: 1e39 does not fit a 32-bit float");
        // Duplicate keys: which one counts would depend on the reader (issue 12).
        QTest::newRow("duplicate-label") << pair(QStringLiteral("1, \"label\": -1"))
                                         << QStringLiteral("duplicate key `label` at column");
        QTest::newRow("duplicate-item-id")
            << QStringLiteral("{\"item_a\": {\"id\": \"x\", \"id\": \"y\"}, \"item_b\": %1, \"label\": 1}").arg(b)
            << QStringLiteral("duplicate key `item_a.id`");
        QTest::newRow("duplicate-escaped-key")
            << pair(QStringLiteral("1, \"lab\\u0065l\": -1")) << QStringLiteral("duplicate key `label`");
        QTest::newRow("duplicate-in-unknown-field") << pair(QStringLiteral("1, \"extra\": [0, {\"x\": 1, \"x\": 2}]"))
                                                    << QStringLiteral("duplicate key `extra[1].x`");
        QTest::newRow("duplicate-metric") << QStringLiteral("{\"item_a\": {\"id\": \"m\", \"metrics\": {\"stars\": 1, "
                                                            "\"stars\": 2}}, \"item_b\": %1, \"label\": 1}")
                                                 .arg(b)
                                          << QStringLiteral("stars");
        QTest::newRow("deep-nesting") << pair(QStringLiteral("1, \"extra\": ") + QString(100000, QLatin1Char('[')) +
                                              QString(100000, QLatin1Char(']')))
                                      << QStringLiteral("nest deeper than 256 levels");
        // Malformed where On-Demand parsing only skips (found by the line fuzzer): still invalid JSON.
        QTest::newRow("colon-after-skipped-value")
            << pair(QStringLiteral("1"))
                   .replace(QStringLiteral("\"label\""), QStringLiteral("\"note\": \"x\": 2, \"label\""))
            << QStringLiteral("invalid JSON at column");
        QTest::newRow("bad-escape-in-unknown-field")
            << pair(QStringLiteral("1"))
                   .replace(QStringLiteral("\"label\""), QStringLiteral("\"note\": \"\\x\", \"label\""))
            << QStringLiteral("invalid JSON at column");
        QTest::newRow("leading-zero-in-unknown-field")
            << pair(QStringLiteral("1")).replace(QStringLiteral("\"label\""), QStringLiteral("\"n\": 01, \"label\""))
            << QStringLiteral("invalid JSON at column");
        QTest::newRow("unresolved-embedding-id")
            << QStringLiteral(
                   "{\"item_a\": {\"id\": \"u\", \"embedding_id\": \"emb-9\"}, \"item_b\": %1, \"label\": 1}")
                   .arg(b)
            << QStringLiteral("item_a.embedding_id \"emb-9\" cannot be resolved: no embeddings file was given");
    }

    void jsonSyntax_acceptsJsonAndFindsTheFirstError_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("column"); // 0: valid
        QTest::newRow("object") << QStringLiteral(
                                       " {\"a\": [1, -0.5e+3, true, false, null, {}, []], \"b\": \"\\u00e9\\n\"} ")
                                << 0;
        QTest::newRow("number") << QStringLiteral("-0") << 0;
        QTest::newRow("nested") << QStringLiteral("[[[[{\"x\": [[]]}]]]]") << 0;
        QTest::newRow("colon-after-value") << QStringLiteral("{\"a\": \"x\": 1}") << 10;
        QTest::newRow("trailing-comma") << QStringLiteral("[1, 2,]") << 7;
        QTest::newRow("leading-zero") << QStringLiteral("[01]") << 3;
        QTest::newRow("bare-dot") << QStringLiteral("[1.]") << 4;
        QTest::newRow("plus-sign") << QStringLiteral("[+1]") << 2;
        QTest::newRow("control-in-string") << QStringLiteral("[\"a\tb\"]") << 4;
        QTest::newRow("bad-escape") << QStringLiteral("[\"\\x\"]") << 4;
        QTest::newRow("short-unicode") << QStringLiteral("[\"\\u12\"]") << 7;
        QTest::newRow("unclosed-string") << QStringLiteral("[\"abc") << 6;
        QTest::newRow("unclosed-object") << QStringLiteral("{\"a\": 1") << 8;
        QTest::newRow("key-not-string") << QStringLiteral("{a: 1}") << 2;
        QTest::newRow("two-values") << QStringLiteral("{} {}") << 4;
        QTest::newRow("nan") << QStringLiteral("[NaN]") << 2;
        QTest::newRow("empty") << QString() << 1;
    }

    void jsonSyntax_acceptsJsonAndFindsTheFirstError()
    {
        QFETCH(QString, text);
        QFETCH(int, column);
        std::string what;
        QCOMPARE(int(jsonSyntaxError(text.toStdString(), &what)), column);
        QCOMPARE(what.empty(), column == 0);
    }

    void jsonSyntax_findsDuplicateKeysAndDeepNesting_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("problem"); // JsonProblem
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("path");
        const int none = int(JsonProblem::None), dup = int(JsonProblem::DuplicateKey), deep = int(JsonProblem::TooDeep);
        QTest::newRow("unique") << QStringLiteral("{\"a\": 1, \"b\": {\"a\": 2}, \"c\": [{\"a\": 3}, {\"a\": 4}]}")
                                << none << 0 << QString();
        QTest::newRow("top-level") << QStringLiteral("{\"a\": 1, \"a\": 2}") << dup << 10 << QStringLiteral("a");
        QTest::newRow("nested") << QStringLiteral("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}") << dup << 24
                                << QStringLiteral("b.c");
        QTest::newRow("in-array") << QStringLiteral("[0, \"x,]\", {\"k\": [1, 2]}, {\"x\": 1, \"x\": 2}]") << dup << 36
                                  << QStringLiteral("[3].x");
        QTest::newRow("escaped") << QStringLiteral("{\"a\": 1, \"\\u0061\": 2}") << dup << 10 << QStringLiteral("a");
        QTest::newRow("escaped-different") << QStringLiteral("{\"a\\n\": 1, \"a\\t\": 2}") << none << 0 << QString();
        QString many = QStringLiteral("{");
        for (int i = 0; i < 40; ++i)
            many += QStringLiteral("\"k%1\": %1, ").arg(i);
        QTest::newRow("many-unique") << many + QStringLiteral("\"last\": 0}") << none << 0 << QString();
        QTest::newRow("many-with-repeat")
            << many + QStringLiteral("\"k7\": 0}") << dup << int(many.size()) + 1 << QStringLiteral("k7");
        QTest::newRow("first-repeat-wins")
            << QStringLiteral("{\"b\": 1, \"a\": 1, \"a\": 2, \"b\": 2}") << dup << 18 << QStringLiteral("a");
        QTest::newRow("depth-at-limit") << QStringLiteral("[[[[1]]]]") << none << 0 << QString();
        QTest::newRow("depth-over-limit") << QStringLiteral("[[[[[1]]]]]") << deep << 5 << QString();
        QTest::newRow("deep-object") << QStringLiteral("{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": 1}}}}}") << deep << 25
                                     << QString();
    }

    void jsonSyntax_findsDuplicateKeysAndDeepNesting()
    {
        QFETCH(QString, text);
        QFETCH(int, problem);
        QFETCH(int, column);
        QFETCH(QString, path);
        JsonSyntaxOptions options;
        options.rejectDuplicateKeys = true;
        options.maxDepth = 4;
        const JsonSyntaxResult r = checkJsonSyntax(text.toStdString(), options);
        QCOMPARE(int(r.problem), problem);
        QCOMPARE(int(r.column), column);
        QCOMPARE(QString::fromStdString(r.path), path);
        // Without the options, only the grammar counts.
        QCOMPARE(jsonSyntaxError(text.toStdString()), size_t(0));
    }

    void jsonSyntax_deepNestingNeedsNoStack()
    {
        const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
        QCOMPARE(jsonSyntaxError(deep), size_t(0));
        JsonSyntaxOptions options;
        options.maxDepth = 256;
        QCOMPARE(int(checkJsonSyntax(deep, options).problem), int(JsonProblem::TooDeep));
        QCOMPARE(int(checkJsonSyntax(deep, options).column), 257);
    }

    void jsonSyntax_manyKeysStayFast()
    {
        // 200,000 keys in one object: sorted once, not compared pairwise (that would take minutes).
        std::string text = "{";
        for (int i = 0; i < 200000; ++i)
            text += "\"key" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        text += "\"key199999\":0}";
        JsonSyntaxOptions options;
        options.rejectDuplicateKeys = true;
        QElapsedTimer timer;
        timer.start();
        const JsonSyntaxResult r = checkJsonSyntax(text, options);
        QCOMPARE(int(r.problem), int(JsonProblem::DuplicateKey));
        QCOMPARE(QString::fromStdString(r.path), QStringLiteral("key199999"));
        qInfo("200,000 keys checked in %lld ms", (long long)timer.elapsed());
    }

    void loadBadLine_reportsLineNumberAndReason()
    {
        QFETCH(QString, line);
        QFETCH(QString, reason);
        const std::string content = goodLine() + "\n" + line.toStdString() + "\n" + goodLine(-1) + "\n";
        const std::string path = write(QStringLiteral("bad-%1.jsonl").arg(QTest::currentDataTag()), content);
        const Dataset ds = loadDataset(path, dim3());
        QCOMPARE(ds.pairs.size(), size_t(2)); // the bad line never becomes data
        QCOMPARE(ds.skipped.size(), size_t(1));
        QCOMPARE(ds.skipped[0].line, int64_t(2));
        const QString got = QString::fromStdString(ds.skipped[0].reason);
        QVERIFY2(got.contains(reason), qPrintable(QStringLiteral("reason was: ") + got));
        // The same line checked on its own gives the same reason.
        QCOMPARE(QString::fromStdString(validateLine(line.toStdString(), 3)), got);
        // Strict mode fails on it, naming file and line.
        LoadOptions strict = dim3();
        strict.strict = true;
        try {
            loadDataset(path, strict);
            QFAIL("strict mode accepted a bad line");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(QString::fromStdString(path + ":2: ")), e.what());
        }
    }

    void invalidJson_namesTheColumn()
    {
        const std::string path = write("column.jsonl", "{\"label\": 1 \"item_a\": 2}\n");
        const Dataset ds = loadDataset(path, dim3());
        QCOMPARE(ds.skipped.size(), size_t(1));
        QCOMPARE(QString::fromStdString(ds.skipped[0].reason),
                 QStringLiteral("invalid JSON at column 13: expected ',' or '}' after an object member"));
    }

    void trailingContent_namesItsColumn()
    {
        // Not "column 1: truncated": the object is whole, what follows it is the fault.
        const std::string line = goodLine() + "  x";
        const Dataset ds = loadDataset(write("trailing.jsonl", line + "\n" + goodLine() + "\n" + line), dim3());
        QCOMPARE(ds.skipped.size(), size_t(2));
        const QString expected =
            QStringLiteral("invalid JSON at column %1: unexpected content after the object").arg(goodLine().size() + 3);
        QCOMPARE(QString::fromStdString(ds.skipped[0].reason), expected);
        QCOMPARE(QString::fromStdString(ds.skipped[1].reason), expected); // the last line, no newline either
    }

    void duplicateKeys_lineIsInvalidSoReviewCannotPatchTheWrongOne()
    {
        // simdjson reads the last "label", the Review place's patcher the first: never accept both.
        const std::string line = goodLine(1).substr(0, goodLine(1).size() - 1) + ", \"label\": -1}";
        const std::string reason = validateLine(line, 3);
        QVERIFY2(QString::fromStdString(reason).startsWith(QStringLiteral("duplicate key `label` at column ")),
                 reason.c_str());
        const Dataset ds = loadDataset(write("dup.jsonl", line + "\n" + goodLine() + "\n"), dim3());
        QCOMPARE(ds.pairs.size(), size_t(1));
        QCOMPARE(ds.pairs[0].line, int64_t(2));
    }

    void lineLimit_holdsAtEverySize_data()
    {
        QTest::addColumn<qint64>("limit");
        QTest::newRow("4-KiB") << qint64(4096);
        QTest::newRow("1-MiB") << (qint64(1) << 20);
        QTest::newRow("10-MiB") << (qint64(10) << 20);
        QTest::newRow("8-MiB-chunk") << (qint64(8) << 20); // the reader's chunk: a line may end just past it
    }

    void lineLimit_holdsAtEverySize()
    {
        QFETCH(qint64, limit);
        // A valid pair of exactly `limit` bytes is read; one byte more, and it is skipped.
        const std::string base = goodLine();
        auto lineOf = [&](size_t bytes) {
            std::string line = base.substr(0, base.size() - 1);
            line.append(bytes - base.size(), ' ');
            return line + "}";
        };
        for (const qint64 size : {limit, limit + 1, limit + (1 << 20)}) {
            const std::string path = write(QStringLiteral("limit-%1-%2.jsonl").arg(limit).arg(size),
                                           goodLine() + "\n" + lineOf(size_t(size)) + "\n");
            LoadOptions options = dim3();
            options.maxLineBytes = uint64_t(limit);
            const Dataset ds = loadDataset(path, options);
            if (size <= limit) {
                QCOMPARE(ds.pairs.size(), size_t(2));
            } else {
                QCOMPARE(ds.pairs.size(), size_t(1));
                QCOMPARE(ds.skipped.size(), size_t(1));
                QVERIFY2(QString::fromStdString(ds.skipped[0].reason).contains(QStringLiteral("over the limit")),
                         ds.skipped[0].reason.c_str());
            }
        }
    }

    void lineLimitZero_isRefused()
    {
        LoadOptions options = dim3();
        options.maxLineBytes = 0;
        QVERIFY_THROWS_EXCEPTION(Error, loadDataset(write("zero-limit.jsonl", goodLine() + "\n"), options));
    }

    void longLine_stopsPromptlyWhenCancelled()
    {
        // A line of 96 MiB over the limit is read to its end (it is skipped, not held): a cancel,
        // as SIGTERM gives one in ranker-train, must stop it in the middle.
        const std::string path = m_dir.filePath(QStringLiteral("long-cancel.jsonl")).toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            const std::string block(1 << 20, '1');
            out << "[";
            for (int i = 0; i < 96; ++i)
                out << block;
            out << "]\n" << goodLine() << "\n";
        }
        LoadOptions options = dim3();
        options.maxLineBytes = 1 << 20;
        uint64_t stoppedAt = 0;
        options.progress = [&](uint64_t done, uint64_t) {
            stoppedAt = done;
            return false;
        };
        QVERIFY_THROWS_EXCEPTION(Cancelled, loadDataset(path, options));
        QVERIFY2(stoppedAt > 0 && stoppedAt < (32u << 20), qPrintable(QString::number(stoppedAt)));
    }

    void utf16WithoutByteOrderMark_isRecognised_data()
    {
        QTest::addColumn<bool>("bigEndian");
        QTest::newRow("utf-16be") << true;
        QTest::newRow("utf-16le") << false;
    }

    void utf16WithoutByteOrderMark_isRecognised()
    {
        QFETCH(bool, bigEndian);
        const std::string text = goodLine() + "\n" + goodLine(-1) + "\n";
        std::string utf16;
        for (char c : text) {
            utf16 += bigEndian ? '\0' : c;
            utf16 += bigEndian ? c : '\0';
        }
        try {
            loadDataset(write(QStringLiteral("utf16-%1.jsonl").arg(bigEndian), utf16), dim3());
            QFAIL("a UTF-16 file without a byte order mark was read");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(bigEndian ? QStringLiteral("the file is UTF-16BE")
                                                                    : QStringLiteral("the file is UTF-16LE")),
                     e.what());
        }
    }

    void notARegularFile_isRefusedWithoutBlocking_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("fifo") << QStringLiteral("a named pipe (FIFO)");
        QTest::newRow("dev-zero") << QStringLiteral("a character device");
        QTest::newRow("symlink-to-dev-zero") << QStringLiteral("a symbolic link to a character device");
        QTest::newRow("folder") << QStringLiteral("a folder");
    }

    void notARegularFile_isRefusedWithoutBlocking()
    {
        QFETCH(QString, kind);
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        QString path = m_dir.filePath(tag);
        if (tag == QLatin1String("fifo"))
            QCOMPARE(::mkfifo(qPrintable(path), 0644), 0); // no writer: open() would block for ever
        else if (tag == QLatin1String("dev-zero"))
            path = QStringLiteral("/dev/zero");
        else if (tag == QLatin1String("symlink-to-dev-zero"))
            QCOMPARE(::symlink("/dev/zero", qPrintable(path)), 0);
        else
            QVERIFY(QDir().mkpath(path));
        const QString expected = path + QStringLiteral(": is ") + kind + QStringLiteral(", not a regular file");
        for (int as = 0; as < 3; ++as) {
            LoadOptions options = dim3();
            std::string input = write(QStringLiteral("ok-%1.jsonl").arg(tag), goodLine() + "\n");
            if (as == 2)
                options.embeddingsPath = path.toStdString(); // as the embeddings file
            else
                input = path.toStdString();
            try {
                if (as == 1)
                    loadItems(input, options); // ranker-rank's reader
                else
                    loadDataset(input, options);
                QFAIL("read what is not a regular file");
            } catch (const Error &e) {
                QCOMPARE(QString::fromUtf8(e.what()), expected);
            }
        }
    }

    void truncatedLastLine_isReportedAsTruncated()
    {
        std::string line = goodLine();
        const std::string path = write("truncated.jsonl", goodLine() + "\n" + line.substr(0, line.size() / 2));
        const Dataset ds = loadDataset(path, dim3());
        QCOMPARE(ds.pairs.size(), size_t(1));
        QCOMPARE(ds.skipped.size(), size_t(1));
        QCOMPARE(ds.skipped[0].line, int64_t(2));
        const QString reason = QString::fromStdString(ds.skipped[0].reason);
        QVERIFY2(reason.contains(QStringLiteral("truncated")), qPrintable(reason));
    }

    void emptyFile_hasNoPairs()
    {
        const Dataset ds = loadDataset(write("empty.jsonl", ""), dim3());
        QCOMPARE(ds.pairs.size(), size_t(0));
        QCOMPARE(ds.lines, int64_t(0));
        const Dataset blank = loadDataset(write("blank.jsonl", "\n  \n\t\n"), dim3());
        QCOMPARE(blank.pairs.size(), size_t(0));
        QCOMPARE(blank.blankLines, int64_t(3));
        QVERIFY(blank.skipped.empty());
    }

    void notUtf8_isReported()
    {
        std::string line = goodLine();
        line.replace(line.find("project"), 7,
                     "proj\xff\xfe"
                     "ct");
        const Dataset ds = loadDataset(write("latin1.jsonl", line + "\n" + goodLine() + "\n"), dim3());
        QCOMPARE(ds.skipped.size(), size_t(1));
        QCOMPARE(ds.skipped[0].line, int64_t(1));
        QVERIFY2(QString::fromStdString(ds.skipped[0].reason).contains(QStringLiteral("UTF-8")),
                 ds.skipped[0].reason.c_str());
        try {
            loadDataset(write("utf16.jsonl", std::string("\xff\xfe{\0\"\0", 6)), dim3());
            QFAIL("a UTF-16 file was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("UTF-16")), e.what());
        }
        // A UTF-8 byte order mark is fine.
        QCOMPARE(loadDataset(write("bom.jsonl", "\xEF\xBB\xBF" + goodLine() + "\n"), dim3()).pairs.size(), size_t(1));
    }

    void absurdlyLongLine_isSkippedWithoutBeingHeld()
    {
        // 300 MB of one line between two good ones, written without holding it in memory here either.
        const std::string path = m_dir.filePath(QStringLiteral("long.jsonl")).toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            out << goodLine() << "\n{\"item_a\": {\"id\": \"x\", \"embedding\": [";
            const std::string block(1 << 20, '1');
            for (int i = 0; i < 300; ++i)
                out << block;
            out << "]}}\n" << goodLine(-1) << "\n";
        }
        LoadOptions options = dim3();
        options.maxLineBytes = 16u << 20;
        const Dataset ds = loadDataset(path, options);
        QCOMPARE(ds.pairs.size(), size_t(2));
        QCOMPARE(ds.skipped.size(), size_t(1));
        QCOMPARE(ds.skipped[0].line, int64_t(2));
        QVERIFY2(QString::fromStdString(ds.skipped[0].reason).contains(QStringLiteral("over the limit")),
                 ds.skipped[0].reason.c_str());
        QCOMPARE(ds.pairs[1].line, int64_t(3));
    }

    void missingFile_isAnErrorNamingIt()
    {
        try {
            loadDataset("/nonexistent/data.jsonl", dim3());
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("/nonexistent/data.jsonl: cannot open")));
        }
    }

    void sameIdDifferentContent_isWarnedAndFirstKept()
    {
        const std::string other = R"({"item_a": {"id": "a1", "embedding": [9, 9, 9]}, "item_b": )" +
                                  std::string(kItemB) + R"(, "label": -1})";
        const Dataset ds = loadDataset(write("conflict.jsonl", goodLine() + "\n" + other + "\n"), dim3());
        QCOMPARE(ds.pairs.size(), size_t(2));
        QCOMPARE(ds.items.size(), size_t(2));
        QCOMPARE(ds.warnings.size(), size_t(1));
        QCOMPARE(ds.warnings[0].line, int64_t(2));
        QVERIFY(QString::fromStdString(ds.warnings[0].reason).contains(QStringLiteral("first seen on line 1")));
        QCOMPARE(ds.embeddings[0], 0.1f);
        // Same content written differently (spacing, key order) is not a conflict.
        const std::string respaced =
            R"({"item_b": )" + std::string(kItemB) +
            R"(,"label":1,"item_a":{"metrics":{"clarity":0.5,"stars":3},"embedding":[0.1,0.2,0.3],"item_type":"project","id":"a1"}})";
        const Dataset same = loadDataset(write("respaced.jsonl", goodLine() + "\n" + respaced + "\n"), dim3());
        QCOMPARE(same.items.size(), size_t(2));
        QVERIFY(same.warnings.empty());
    }

    void embeddingIds_resolveFromEmbeddingsFile()
    {
        const std::string embeddings = write(
            "emb.jsonl", "{\"id\": \"e-1\", \"embedding\": [1, 2, 3]}\n{\"id\": \"e-2\", \"embedding\": [4, 5]}\n");
        const std::string line =
            R"({"item_a": {"id": "x", "embedding_id": "e-1"}, "item_b": {"id": "y", "embedding_id": "e-3"}, "label": 1})";
        const std::string okLine =
            R"({"item_a": {"id": "x", "embedding_id": "e-1"}, "item_b": {"id": "z"}, "label": -1})";
        LoadOptions options = dim3();
        options.embeddingsPath = embeddings;
        const Dataset ds = loadDataset(write("ids.jsonl", line + "\n" + okLine + "\n"), options);
        QCOMPARE(ds.pairs.size(), size_t(1));
        QCOMPARE(ds.skipped.size(), size_t(1));
        QVERIFY(QString::fromStdString(ds.skipped[0].reason)
                    .contains(QStringLiteral("\"e-3\" is not in the embeddings file")));
        QCOMPARE(ds.items[0].id, std::string("x"));
        QCOMPARE(ds.embeddings[2], 3.0f);
        QCOMPARE(ds.itemsResolvedFromEmbeddingsFile, int64_t(1));
        // z has no embedding: zeros, counted — never random numbers.
        QCOMPARE(ds.itemsWithoutEmbedding, int64_t(1));
        QCOMPARE(ds.embeddings[3], 0.0f);
        QCOMPARE(ds.embeddings[5], 0.0f);
        // The bad line of the embeddings file is reported with its number.
        QCOMPARE(ds.warnings.size(), size_t(1));
        QVERIFY(QString::fromStdString(ds.warnings[0].reason).contains(QStringLiteral("emb.jsonl:2:")));
    }

    void unknownFields_areAccepted()
    {
        const std::string line =
            R"({"extra": {"deep": [1, {"x": null}]}, "item_a": {"id": 7, "custom": true, "embedding": null}, "item_b": {"id": "8"}, "label": 0})";
        const Dataset ds = loadDataset(write("unknown.jsonl", line + "\n"), dim3());
        QCOMPARE(ds.pairs.size(), size_t(1));
        QCOMPARE(ds.items[0].id, std::string("7")); // integer ids become their decimal text
        QCOMPARE(ds.pairs[0].label, int8_t(0));
    }

    void largerFile_matchesGeneratorCounts()
    {
        const std::string path = m_dir.filePath(QStringLiteral("synthetic.jsonl")).toStdString();
        test::SyntheticOptions o;
        o.pairs = 500;
        o.items = 40;
        o.tieShare = 0.1;
        QCOMPARE(test::writeSyntheticDataset(path, o), 500);
        LoadOptions options;
        options.embeddingDim = o.dim;
        int64_t lastDone = -1;
        options.progress = [&](uint64_t done, uint64_t total) {
            lastDone = int64_t(done);
            return done <= total;
        };
        const Dataset ds = loadDataset(path, options);
        QCOMPARE(ds.pairs.size(), size_t(500));
        QCOMPARE(int64_t(ds.fileBytes), lastDone);
        QVERIFY(ds.items.size() <= 40);
        QVERIFY(ds.labelCount(0) >= 45 && ds.labelCount(0) <= 50);
        QCOMPARE(ds.itemTypeCounts().size(), size_t(3));
    }
};

QTEST_GUILESS_MAIN(DatasetTest)
#include "tst_dataset.moc"
