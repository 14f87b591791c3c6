// The byte-preserving review document: patching lines, saving, the journal, consistency checks.

#include "core/error.h"
#include "core/label_document.h"
#include "reviewtestsupport.h"

#include <QDir>
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
    Dataset ds = loadDataset(path.toStdString(), LoadOptions{2});
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
    Dataset ds = loadDataset(path.toStdString(), LoadOptions{2});
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

QTEST_GUILESS_MAIN(LabelDocumentTest)
#include "tst_label_document.moc"
