// The byte-preserving review document: patching lines, saving, the journal, consistency checks.

#include "core/dataset.h"
#include "core/error.h"
#include "core/label_document.h"
#include "reviewtestsupport.h"

#include <QDir>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <set>

#include <sys/resource.h>

using namespace ranker;
using ranker::test::pairLine;

class LabelDocumentTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void patchLine_changesOnlyLabelAndTags_data();
    void patchLine_changesOnlyLabelAndTags();
    void editedLine_keepsUnknownFieldsAndKeyOrder();
    void save_untouchedLinesByteForByte_keepsBackup();
    void addAndRemovePair_savedAndCompacted();
    void consistency_findsPlantedContradictionCycleAndReusedId();
    void consistency_sampleHasItsTwoPlantedContradictions();
    void crashBetweenEdits_recoveredFromJournal();
    void staleJournal_isNotReplayed();
    void saveIntoFullDisk_failsAndLeavesOriginal();
    void exportRows_writesJustThosePairs_saveAsMovesOn();
    void openFromLoadedDataset_readsNoFileAgain();
    void save_datasetInMemoryIsWhatReadingTheFileGives();
    void save_removingAnItemsFirstPair_saysReadItAgain();

private:
    QString fixture(const QByteArray &bytes, const QString &name = QStringLiteral("pairs.jsonl"));
    QTemporaryDir m_dir;
};

QString LabelDocumentTest::fixture(const QByteArray &bytes, const QString &name)
{
    QString path = m_dir.filePath(name);
    QFile::remove(path);
    QFile::remove(QString::fromStdString(LabelDocument::journalPathFor(path.toStdString())));
    if (!test::writeAll(path, bytes))
        qFatal("cannot write the fixture %s", qPrintable(path));
    return path;
}

void LabelDocumentTest::patchLine_changesOnlyLabelAndTags_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("label");
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("compact-label-only") << QByteArray(R"({"item_a":{},"label":1,"reason_tags":["x"]})") << -1
                                        << QStringList{"x"}
                                        << QByteArray(R"({"item_a":{},"label":-1,"reason_tags":["x"]})");
    QTest::newRow("spaced-tags") << QByteArray(R"({"label": 0, "reason_tags": ["a", "b"], "z": 1})") << 0
                                 << QStringList{"a", "c"}
                                 << QByteArray(R"({"label": 0, "reason_tags": ["a", "c"], "z": 1})");
    QTest::newRow("tags-added-after-label") << QByteArray(R"({"label":1,"similarity":0.5})") << 1 << QStringList{"new"}
                                            << QByteArray(R"({"label":1,"reason_tags":["new"],"similarity":0.5})");
    QTest::newRow("tags-added-spaced") << QByteArray(R"({"label": 1, "similarity": 0.5})") << 1 << QStringList{"n"}
                                       << QByteArray(R"({"label": 1, "reason_tags": ["n"], "similarity": 0.5})");
    QTest::newRow("crlf-kept") << QByteArray("{\"label\":1}\r") << 0 << QStringList{} << QByteArray("{\"label\":0}\r");
    QTest::newRow("label-in-nested-object-ignored")
        << QByteArray(R"({"meta":{"label":1},"label":1})") << -1 << QStringList{}
        << QByteArray(R"({"meta":{"label":1},"label":-1})");
    QTest::newRow("string-with-brace-and-escaped-quote")
        << QByteArray(R"({"note":"a } \"label\":1 {","label":1,"reason_tags":[]})") << 0 << QStringList{"q\"uote"}
        << QByteArray(R"({"note":"a } \"label\":1 {","label":0,"reason_tags":["q\"uote"]})");
    QTest::newRow("unicode-tag") << QByteArray(R"({"label":1,"reason_tags":["été"]})") << 1 << QStringList{"été"}
                                 << QByteArray(R"({"label":1,"reason_tags":["été"]})");
}

void LabelDocumentTest::patchLine_changesOnlyLabelAndTags()
{
    QFETCH(QByteArray, line);
    QFETCH(int, label);
    QFETCH(QStringList, tags);
    QFETCH(QByteArray, expected);
    std::vector<std::string> t;
    for (const QString &s : tags)
        t.push_back(s.toStdString());
    QCOMPARE(QByteArray::fromStdString(patchPairLine(line.toStdString(), label, t)), expected);
}

void LabelDocumentTest::editedLine_keepsUnknownFieldsAndKeyOrder()
{
    // Keys in an unusual order, unknown fields at every level, odd number spellings.
    QByteArray odd = R"({"zeta":{"deep":[1,{"x":"y"}]},"label":1,"item_b":)" + test::item("b") +
                     R"(,"similarity":1.50E-1,"reason_tags":["clarity"],"item_a":)" + test::item("a") +
                     R"(,"extra":null,"n":1e3})";
    QByteArray file = pairLine("c", "d", 0) + "\n" + odd + "\n" + pairLine("e", "f", -1) + "\n";
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    QCOMPARE(doc.rowCount(), 3);
    QCOMPARE(doc.row(1).label, 1);
    doc.setLabel(1, -1);
    doc.setTags(1, {"clarity", "impact"});
    doc.save();
    QByteArray expected = odd;
    expected.replace(R"("label":1)", R"("label":-1)");
    expected.replace(R"(["clarity"])", R"(["clarity","impact"])");
    QByteArray saved = test::readAll(path);
    QCOMPARE(saved, pairLine("c", "d", 0) + "\n" + expected + "\n" + pairLine("e", "f", -1) + "\n");
    // And the saved file still loads to the edited values.
    Dataset ds = loadDataset(path.toStdString(), test::withDim(2));
    QCOMPARE(int(ds.pairs.size()), 3);
    QCOMPARE(int(ds.pairs[1].label), -1);
    QCOMPARE(int(ds.pairs[1].reasonTags.size()), 2);
}

void LabelDocumentTest::save_untouchedLinesByteForByte_keepsBackup()
{
    // Blank lines, a bad line, CRLF and a last line without newline all survive.
    QByteArray file = pairLine("a", "b", 1) + "\r\n" + "\n" + "not json at all\n" + pairLine("b", "c", 0) + "\r\n" +
                      "   \n" + pairLine("c", "d", -1);
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    QCOMPARE(doc.rowCount(), 3);
    QVERIFY(!doc.hasUnsavedChanges());
    doc.setLabel(1, 1);
    QVERIFY(doc.hasUnsavedChanges());
    doc.setLabel(1, 0); // back to what is on disk
    QVERIFY(!doc.hasUnsavedChanges());
    doc.setLabel(2, 1);
    doc.save();
    QByteArray expected = file;
    expected.replace(pairLine("c", "d", -1), pairLine("c", "d", 1));
    QCOMPARE(test::readAll(path), expected);
    QCOMPARE(test::readAll(path + ".bak"), file);
    QVERIFY(!QFile::exists(QString::fromStdString(doc.journalPath())));
    // A second edit after the save works on the new file.
    doc.setLabel(0, -1);
    doc.save();
    expected.replace(pairLine("a", "b", 1), pairLine("a", "b", -1));
    QCOMPARE(test::readAll(path), expected);
}

void LabelDocumentTest::addAndRemovePair_savedAndCompacted()
{
    QByteArray file = pairLine("a", "b", 1) + "\n" + pairLine("b", "c", 0) + "\n" + pairLine("c", "d", -1) + "\n";
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    int32_t added = doc.addPair(0, 3, -1, {"relevance", "metrics"}); // a vs d
    QCOMPARE(added, 3);
    QVERIFY(doc.row(added).changedInSession());
    doc.setRemoved(1, true);
    QVERIFY_THROWS_EXCEPTION(Error, doc.addPair(0, 0, 1, {}));
    doc.save();
    QVERIFY(doc.rowsCompacted());
    QCOMPARE(doc.rowCount(), 3);
    QByteArray addedLine = "{\"item_a\":" + test::item("a") + ",\"item_b\":" + test::item("d") +
                           ",\"label\":-1,\"reason_tags\":[\"relevance\",\"metrics\"]}";
    QCOMPARE(test::readAll(path), pairLine("a", "b", 1) + "\n" + pairLine("c", "d", -1) + "\n" + addedLine + "\n");
    Dataset ds = loadDataset(path.toStdString(), test::withDim(2));
    QCOMPARE(int(ds.pairs.size()), 3);
    QVERIFY(ds.skipped.empty());
}

void LabelDocumentTest::consistency_findsPlantedContradictionCycleAndReusedId()
{
    QByteArray file;
    file += pairLine("p", "q", 1) + "\n";  // p > q
    file += pairLine("q", "p", 1) + "\n";  // q > p: contradicts line 1 (A/B swapped)
    file += pairLine("x", "y", 1) + "\n";  // x > y
    file += pairLine("z", "y", -1) + "\n"; // y > z
    file += pairLine("z", "x", 1) + "\n";  // z > x: closes the cycle
    file += pairLine("u", "v", 0) + "\n";
    file += "{\"item_a\":" + test::item("u", 7) + ",\"item_b\":" + test::item("w") + ",\"label\":1}\n"; // u reused
    file += pairLine("x", "y", 1) + "\n"; // a consistent duplicate: not reported
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    ConsistencyReport report = doc.checkConsistency();
    QCOMPARE(report.contradictions, 1);
    QCOMPARE(report.cycles, 1);
    QCOMPARE(report.reusedIds, 1);
    const ConsistencyIssue *contradiction = nullptr, *cycle = nullptr, *reused = nullptr;
    for (const auto &issue : report.issues) {
        if (issue.kind == ConsistencyIssue::Kind::Contradiction)
            contradiction = &issue;
        else if (issue.kind == ConsistencyIssue::Kind::Cycle)
            cycle = &issue;
        else
            reused = &issue;
    }
    QVERIFY(contradiction && cycle && reused);
    QCOMPARE(contradiction->rows, (std::vector<int32_t>{0, 1}));
    std::vector<int32_t> cycleRows = cycle->rows;
    std::sort(cycleRows.begin(), cycleRows.end());
    QCOMPARE(cycleRows, (std::vector<int32_t>{2, 3, 4}));
    QVERIFY2(QString::fromStdString(cycle->description).contains("x > y > z > x") ||
                 QString::fromStdString(cycle->description).contains("y > z > x > y") ||
                 QString::fromStdString(cycle->description).contains("z > x > y > z"),
             cycle->description.c_str());
    QCOMPARE(reused->rows, (std::vector<int32_t>{5, 6}));

    // Fixing the contradiction and breaking the cycle clears them.
    doc.setLabel(1, -1);
    doc.setLabel(4, 0);
    report = doc.checkConsistency();
    QCOMPARE(report.contradictions, 0);
    QCOMPARE(report.cycles, 0);
}

void LabelDocumentTest::consistency_sampleHasItsTwoPlantedContradictions()
{
    LabelDocument doc;
    doc.open(RANKER_SOURCE_DIR "/resources/sample/sample_pairs.jsonl", 32);
    QCOMPARE(doc.rowCount(), 330);
    ConsistencyReport report = doc.checkConsistency();
    QCOMPARE(report.contradictions, 2);
    std::set<int64_t> lines;
    for (const auto &issue : report.issues)
        if (issue.kind == ConsistencyIssue::Kind::Contradiction)
            for (int32_t r : issue.rows)
                lines.insert(doc.row(r).line + 1);
    QCOMPARE(lines, (std::set<int64_t>{34, 36, 154, 188}));
}

void LabelDocumentTest::crashBetweenEdits_recoveredFromJournal()
{
    QByteArray file;
    for (int i = 0; i < 6; ++i)
        file += pairLine(QByteArray("i" + QByteArray::number(i)).constData(),
                         QByteArray("j" + QByteArray::number(i)).constData(), 1) +
                "\n";
    QString path = fixture(file);
    QByteArray expectedAfterSave;
    {
        auto doc = std::make_unique<LabelDocument>();
        doc->open(path.toStdString(), 2);
        doc->setLabel(0, -1);
        doc->setReviewed(0, true);
        doc->setLabel(3, 0);
        doc->setTags(3, {"impact"});
        doc->setLabel(3, -1); // a later edit of the same pair wins
        doc->addPair(0, 3, 0, {"added"});
        doc->setRemoved(5, true);
        // "Crash": the document goes away without saving.
    }
    QCOMPARE(test::readAll(path), file); // nothing written to the file itself
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    QCOMPARE(doc.pendingJournalEdits(), 7);
    QCOMPARE(doc.row(0).label, 1); // not applied until asked
    QCOMPARE(doc.replayJournal(), 7);
    QCOMPARE(doc.row(0).label, -1);
    QVERIFY(doc.row(0).reviewed);
    QCOMPARE(doc.row(3).label, -1);
    QCOMPARE(doc.row(3).tags, std::vector<std::string>{"impact"});
    QCOMPARE(doc.rowCount(), 7);
    QVERIFY(doc.row(6).added);
    QVERIFY(doc.row(5).removed);
    QVERIFY(doc.hasUnsavedChanges());
    // Edits after the replay go on in the same journal: a second crash loses nothing either.
    doc.setLabel(1, 0);
    {
        LabelDocument again;
        again.open(path.toStdString(), 2);
        QCOMPARE(again.pendingJournalEdits(), 8);
        again.replayJournal();
        QCOMPARE(again.row(1).label, 0);
        QCOMPARE(again.row(0).label, -1);
    }
    doc.save();
    QVERIFY(!QFile::exists(QString::fromStdString(doc.journalPath())));
    LabelDocument reopened;
    reopened.open(path.toStdString(), 2);
    QCOMPARE(reopened.pendingJournalEdits(), 0);
    QCOMPARE(reopened.rowCount(), 6);
    QCOMPARE(reopened.row(0).label, -1);
    QCOMPARE(reopened.row(1).label, 0);
}

void LabelDocumentTest::staleJournal_isNotReplayed()
{
    QString path = fixture(pairLine("a", "b", 1) + "\n");
    {
        LabelDocument doc;
        doc.open(path.toStdString(), 2);
        doc.setLabel(0, 0);
    }
    // Someone else changes the file: the journal no longer describes it.
    test::writeAll(path, pairLine("a", "b", -1) + "\n" + pairLine("b", "c", 1) + "\n");
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    QCOMPARE(doc.pendingJournalEdits(), 0);
    QVERIFY(QFile::exists(QString::fromStdString(doc.journalPath()) + ".stale"));
}

void LabelDocumentTest::saveIntoFullDisk_failsAndLeavesOriginal()
{
    QByteArray file;
    for (int i = 0; i < 50; ++i)
        file += pairLine(QByteArray("a" + QByteArray::number(i)).constData(),
                         QByteArray("b" + QByteArray::number(i)).constData(), 1, ",\"reason_tags\":[\"x\"]") +
                "\n";
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    doc.setLabel(10, -1);
    doc.setLabel(20, 0);

    struct rlimit old;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    struct rlimit small = old;
    small.rlim_cur = rlim_t(file.size() / 2);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    QString message;
    try {
        doc.save();
    } catch (const Error &e) {
        message = QString::fromUtf8(e.what());
    }
    setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY2(message.contains(QStringLiteral("cannot save")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("too large")) || message.contains(QStringLiteral("space")),
             qPrintable(message));
    QCOMPARE(test::readAll(path), file);
    QVERIFY(doc.hasUnsavedChanges());
    QDir dir(m_dir.path());
    QVERIFY(dir.entryList({"pairs.jsonl.tmp*"}, QDir::Files).isEmpty());
    // The edits are still in the journal and the document, and a later save works.
    QVERIFY(QFile::exists(QString::fromStdString(doc.journalPath())));
    doc.save();
    QCOMPARE(test::lines(test::readAll(path)).at(10), pairLine("a10", "b10", -1, ",\"reason_tags\":[\"x\"]"));
}

void LabelDocumentTest::exportRows_writesJustThosePairs_saveAsMovesOn()
{
    QString path = fixture(pairLine("a", "b", 1) + "\n" + pairLine("b", "c", 0) + "\n" + pairLine("c", "d", -1) + "\n");
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    doc.setLabel(2, 1);
    QString out = m_dir.filePath(QStringLiteral("reviewed.jsonl"));
    doc.exportRows(out.toStdString(), {0, 2});
    QCOMPARE(test::readAll(out), pairLine("a", "b", 1) + "\n" + pairLine("c", "d", 1) + "\n");
    QCOMPARE(test::readAll(path),
             pairLine("a", "b", 1) + "\n" + pairLine("b", "c", 0) + "\n" + pairLine("c", "d", -1) + "\n");

    // Save As: the new file gets the edits and becomes the document's file; the old one stays.
    QString other = m_dir.filePath(QStringLiteral("other.jsonl"));
    doc.saveAs(other.toStdString());
    QCOMPARE(QString::fromStdString(doc.path()), other);
    QCOMPARE(test::readAll(other),
             pairLine("a", "b", 1) + "\n" + pairLine("b", "c", 0) + "\n" + pairLine("c", "d", 1) + "\n");
    QCOMPARE(test::readAll(path),
             pairLine("a", "b", 1) + "\n" + pairLine("b", "c", 0) + "\n" + pairLine("c", "d", -1) + "\n");
    QVERIFY(!QFile::exists(QString::fromStdString(LabelDocument::journalPathFor(path.toStdString()))));
    QVERIFY(!doc.hasUnsavedChanges());
}

namespace {

/// Every field a reading of the file gives, compared one by one.
QString differences(const Dataset &a, const Dataset &b)
{
    QStringList out;
    auto check = [&](bool same, const char *what) {
        if (!same)
            out << QString::fromLatin1(what);
    };
    check(a.path == b.path, "path");
    check(a.sha256 == b.sha256, "sha256");
    check(a.fileBytes == b.fileBytes, "fileBytes");
    check(a.lines == b.lines, "lines");
    check(a.blankLines == b.blankLines, "blankLines");
    check(a.embeddingDim == b.embeddingDim, "embeddingDim");
    check(a.file.sameVersion(b.file), "file identity");
    check(a.items.size() == b.items.size(), "item count");
    for (size_t i = 0; i < std::min(a.items.size(), b.items.size()); ++i) {
        check(a.items[i].id == b.items[i].id, "item ids/order");
        check(a.items[i].firstLine == b.items[i].firstLine, "item firstLine");
        check(a.items[i].metrics == b.items[i].metrics, "item metrics");
    }
    check(a.embeddings == b.embeddings, "embeddings");
    check(a.metricNames == b.metricNames, "metricNames");
    check(a.reasonTagNames == b.reasonTagNames, "reasonTagNames");
    check(a.pairs.size() == b.pairs.size(), "pair count");
    for (size_t p = 0; p < std::min(a.pairs.size(), b.pairs.size()); ++p) {
        const Pair &x = a.pairs[p], &y = b.pairs[p];
        check(x.a == y.a && x.b == y.b, "pair items");
        check(x.label == y.label, "pair label");
        check(x.reasonTags == y.reasonTags, "pair tags");
        check(x.line == y.line, "pair line");
        check(x.hasSimilarity == y.hasSimilarity && x.similarity == y.similarity, "pair similarity");
    }
    check(a.skipped.size() == b.skipped.size(), "skipped count");
    for (size_t d = 0; d < std::min(a.skipped.size(), b.skipped.size()); ++d)
        check(a.skipped[d].line == b.skipped[d].line && a.skipped[d].reason == b.skipped[d].reason, "skipped");
    check(a.warnings.size() == b.warnings.size(), "warning count");
    check(a.lineSpans.size() == b.lineSpans.size(), "line span count");
    for (size_t l = 0; l < std::min(a.lineSpans.size(), b.lineSpans.size()); ++l)
        check(a.lineSpans[l].offset == b.lineSpans[l].offset && a.lineSpans[l].length == b.lineSpans[l].length &&
                  a.lineSpans[l].terminator == b.lineSpans[l].terminator,
              "line spans");
    out.removeDuplicates();
    return out.join(QStringLiteral(", "));
}

Dataset readWithSpans(const QString &path)
{
    LoadOptions options;
    options.embeddingDim = 2;
    options.keepLineSpans = true;
    return loadDataset(path.toStdString(), options);
}

} // namespace

void LabelDocumentTest::openFromLoadedDataset_readsNoFileAgain()
{
    QByteArray file =
        pairLine("a", "b", 1) + "\r\n\r\n" + pairLine("b", "c", 0) + "\r\nnot json\r\n" + pairLine("c", "d", -1);
    QString path = fixture(file);
    auto loaded = std::make_shared<const Dataset>(readWithSpans(path));
    QCOMPARE(loaded->lineSpans.size(), size_t(5));
    QCOMPARE(loaded->lineSpans[1].offset, uint64_t(pairLine("a", "b", 1).size() + 2));
    QCOMPARE(loaded->lineSpans[4].terminator, uint8_t(0)); // the last line has no newline
    LabelDocument doc;
    doc.open(loaded);
    QCOMPARE(doc.sharedDataset().get(), loaded.get()); // shared, not read again
    QCOMPARE(doc.rowCount(), 3);
    QCOMPARE(doc.lineText(2), QString::fromLatin1(pairLine("c", "d", -1)).toStdString());
    doc.setLabel(1, -1);
    doc.save();
    QCOMPARE(test::readAll(path),
             pairLine("a", "b", 1) + "\r\n\r\n" + pairLine("b", "c", -1) + "\r\nnot json\r\n" + pairLine("c", "d", -1));
    QCOMPARE(differences(doc.dataset(), readWithSpans(path)), QString());

    // A dataset read without its lines' places cannot be edited without reading it again.
    LoadOptions plain;
    plain.embeddingDim = 2;
    auto withoutSpans = std::make_shared<const Dataset>(loadDataset(path.toStdString(), plain));
    QVERIFY(withoutSpans->lineSpans.empty());
    LabelDocument other;
    QVERIFY_THROWS_EXCEPTION(Error, other.open(withoutSpans));
    // Nor one whose file changed since it was read.
    auto before = std::make_shared<const Dataset>(readWithSpans(path));
    QVERIFY(test::writeAll(path, pairLine("x", "y", 1) + "\n"));
    try {
        other.open(before);
        QFAIL("a changed file was taken for the dataset read before");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("changed since it was read")), e.what());
    }
}

void LabelDocumentTest::save_datasetInMemoryIsWhatReadingTheFileGives()
{
    // Items first seen in pairs that stay; a later pair removed, labels and tags changed (a new
    // tag among them), a pair added, a bad line and a blank line that keep their places.
    QByteArray file = pairLine("a", "b", 1, R"(,"reason_tags":["clarity"],"similarity":0.25)") + "\n" +
                      pairLine("c", "d", 0) + "\n\n" + pairLine("a", "c", -1) + "\n{broken\n" +
                      pairLine("b", "d", 1, R"(,"reason_tags":["relevance"])") + "\n" + pairLine("d", "a", 0) + "\n";
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    QCOMPARE(doc.rowCount(), 5);
    doc.setLabel(0, -1);
    doc.setTags(1, {"brevity", "clarity"});
    doc.setRemoved(2, true);                     // a vs c: neither item first appears there
    doc.setTags(3, {});                          // "relevance" is then in no pair
    QCOMPARE(doc.addPair(1, 2, 1, {"zeal"}), 5); // b vs c
    doc.save();
    QVERIFY(doc.rowsCompacted());
    QVERIFY(doc.datasetMatchesFile());
    const Dataset reread = readWithSpans(path);
    QCOMPARE(differences(doc.dataset(), reread), QString());
    QCOMPARE(doc.dataset().reasonTagNames, (std::vector<std::string>{"brevity", "clarity", "zeal"}));
    QCOMPARE(doc.dataset().skipped.size(), size_t(1));
    QCOMPARE(doc.dataset().skipped[0].line, int64_t(4)); // line 5 before: the removed pair was above it
    // A second save on the updated document stays exact.
    doc.setLabel(0, 0);
    doc.save();
    QCOMPARE(differences(doc.dataset(), readWithSpans(path)), QString());
    // Save As: the dataset is the new file's.
    const QString elsewhere = m_dir.filePath(QStringLiteral("elsewhere.jsonl"));
    doc.setLabel(1, 1);
    doc.saveAs(elsewhere.toStdString());
    QCOMPARE(differences(doc.dataset(), readWithSpans(elsewhere)), QString());
}

void LabelDocumentTest::save_removingAnItemsFirstPair_saysReadItAgain()
{
    // "c" first appears in the pair removed: reading the file orders the items differently.
    QByteArray file = pairLine("a", "b", 1) + "\n" + pairLine("c", "a", 0) + "\n" + pairLine("b", "c", 1) + "\n";
    QString path = fixture(file);
    LabelDocument doc;
    doc.open(path.toStdString(), 2);
    doc.setRemoved(1, true);
    doc.save();
    QVERIFY(!doc.datasetMatchesFile());
    const Dataset reread = readWithSpans(path);
    QCOMPARE(reread.items.size(), size_t(3));
    QVERIFY(!differences(doc.dataset(), reread).isEmpty());    // the items are in another order
    QCOMPARE(doc.dataset().pairs.size(), reread.pairs.size()); // the pairs are right all the same
    QCOMPARE(doc.dataset().pairs[1].line, int64_t(2));
    // Opening again makes it exact.
    doc.open(path.toStdString(), 2);
    QVERIFY(doc.datasetMatchesFile());
}

QTEST_GUILESS_MAIN(LabelDocumentTest)
#include "tst_label_document.moc"
