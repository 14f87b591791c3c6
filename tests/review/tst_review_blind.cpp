// Blind relabelling and item cards (issue 15), driven through the real widgets: in blind mode
// nothing on screen tells the stored label, answers given with the keys are counted against it,
// and a card shows every field its item carries.

#include "core/label_document.h"
#include "reviewpaneltestsupport.h"
#include "reviewtestsupport.h"
#include "ui/review/blindsession.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"

#include <QAbstractButton>
#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

#include <cmath>
#include <memory>

using namespace ranker;
using ranker::ui::ReviewPanel;

namespace {

const QString kSample = QStringLiteral(RANKER_SOURCE_DIR "/resources/sample/sample_pairs.jsonl");

const QByteArray kLongText =
    "A command-line tool that turns a folder of Markdown notes into a searchable static site. It keeps "
    "the notes' own folder layout, renders wiki links and footnotes, and builds a full-text index that "
    "runs in the browser without a server.\nSecond paragraph: written in Rust, about 40 contributors, "
    "released every six weeks since 2021; the maintainers answer issues within a day and the test suite "
    "covers every renderer. End of the description.";

/// An item with fields the dataset does not know: a title, a long text, a URL and a nested object.
QByteArray richItem(const char *id, const char *type, bool withUrl)
{
    QByteArray out = QByteArray("{\"id\":\"") + id + "\",\"item_type\":\"" + type + "\",\"title\":\"Title of " + id +
                     "\",\"text\":\"" + QByteArray(kLongText).replace("\n", "\\n") + "\"";
    if (withUrl)
        out += QByteArray(",\"url\":\"https://example.org/items/") + id + "\"";
    out += QByteArray(",\"source\":{\"name\":\"forge-") + id +
           "\",\"languages\":[\"rust\",\"typescript\"],\"stars\":5}"
           ",\"embedding\":[0.5,-0.25],\"metrics\":{\"stars\":3}}";
    return out;
}

struct PairSpec
{
    const char *a, *b;
    int label;
};

// Ten pairs: five of projects, five of skills, with the labels and the blind answers below.
const PairSpec kPairs[] = {{"p0", "p1", 1},  {"p2", "p3", 1},  {"p4", "p5", 1}, {"p0", "p2", 1}, {"p1", "p3", -1},
                           {"s0", "s1", -1}, {"s2", "s3", -1}, {"s4", "s5", 0}, {"s0", "s2", 0}, {"s1", "s3", 1}};
const int kAnswers[] = {1, 1, -1, 1, -1, -1, 1, 0, 1, 0};

QString text(QWidget *w)
{
    if (auto *label = qobject_cast<QLabel *>(w))
        return label->text();
    if (auto *button = qobject_cast<QAbstractButton *>(w))
        return button->text() + QLatin1Char('|') + button->toolTip();
    if (auto *edit = qobject_cast<QLineEdit *>(w))
        return edit->text() + QLatin1Char('|') + edit->placeholderText();
    if (auto *combo = qobject_cast<QComboBox *>(w))
        return combo->currentText();
    if (auto *browser = qobject_cast<QTextBrowser *>(w))
        return browser->toHtml();
    if (auto *tree = qobject_cast<QTreeWidget *>(w)) {
        QStringList rows;
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            for (int c = 0; c < tree->columnCount(); ++c)
                rows << tree->topLevelItem(i)->text(c);
        return rows.join(QLatin1Char(','));
    }
    return {};
}

/// Everything the reviewer can see, as text: each visible widget's text and colours, every cell
/// of the pair list with its colours, and the pair view's pixels.
struct Snapshot
{
    QStringList widgets;
    QStringList cells;
    QImage pairView;
};

Snapshot snapshot(ReviewPanel *panel)
{
    Snapshot s;
    const QPalette::ColorRole roles[] = {QPalette::Window, QPalette::WindowText, QPalette::Base,
                                         QPalette::Text,   QPalette::Button,     QPalette::ButtonText};
    for (QWidget *w : panel->findChildren<QWidget *>()) {
        // The file line says "modified" after the test's own edit: that is the edit, not the label.
        if (!w->isVisible() || w->objectName() == QStringLiteral("fileLabel"))
            continue;
        QStringList colours;
        for (QPalette::ColorRole role : roles)
            colours << w->palette().color(role).name();
        s.widgets << QStringLiteral("%1 %2 [%3] %4")
                         .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(),
                              colours.join(QLatin1Char(' ')), text(w));
    }
    QAbstractItemModel *model = panel->findChild<QTableView *>(QStringLiteral("pairTable"))->model();
    for (int r = 0; r < model->rowCount(); ++r)
        for (int c = 0; c < model->columnCount(); ++c) {
            QModelIndex index = model->index(r, c);
            s.cells << QStringLiteral("%1:%2 %3 %4 %5")
                           .arg(r)
                           .arg(c)
                           .arg(index.data(Qt::DisplayRole).toString(),
                                index.data(Qt::ForegroundRole).value<QBrush>().color().name(),
                                index.data(Qt::BackgroundRole).value<QBrush>().color().name());
        }
    s.pairView = panel->findChild<QWidget *>(QStringLiteral("pairView"))->grab().toImage();
    return s;
}

QString cardTitle(ReviewPanel *panel, const char *card)
{
    return panel->findChild<QWidget *>(QString::fromLatin1(card))
        ->findChild<QLabel *>(QStringLiteral("cardTitle"))
        ->text();
}

QString cardText(ReviewPanel *panel, const char *card)
{
    QString text = panel->findChild<QWidget *>(QString::fromLatin1(card))
                       ->findChild<QTextBrowser *>(QStringLiteral("cardBody"))
                       ->toPlainText();
    return text.replace(QChar::LineSeparator, QLatin1Char('\n')).replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
}

} // namespace

class ReviewBlindTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreement_kappaOfKnownTables_data();
    void agreement_kappaOfKnownTables();
    void blindMode_nothingShownDependsOnTheStoredLabel();
    void blindAnswers_countedAgainstLabels_shareAndKappaShown();
    void blindAnswers_disagreementsOneClickAway_applyIsUndoable();
    void itemCard_showsEveryFieldOfTheItem_sameRowsBothSides();
    /// Writes docs/review-blind.png's picture when RANKER_REVIEW_BLIND_SCREENSHOT names a .png
    /// (RANKER_REVIEW_BLIND_SIZE=WxH, default 1280x820); skipped otherwise.
    void screenshot_whenRequested();

private:
    std::unique_ptr<ReviewPanel> shownPanel(const QString &path, int embeddingDim);
    QString richFile();
    QTemporaryDir m_dir;
    int m_files = 0;
};

void ReviewBlindTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

QString ReviewBlindTest::richFile()
{
    QByteArray bytes;
    int n = 0;
    for (const PairSpec &p : kPairs) {
        const char *type = p.a[0] == 'p' ? "project" : "skill";
        // The second item of the first pair has no URL: its card shows the row with a dash.
        bytes += "{\"item_a\":" + richItem(p.a, type, true) + ",\"item_b\":" + richItem(p.b, type, n != 0) +
                 ",\"label\":" + QByteArray::number(p.label) + ",\"reason_tags\":[\"planted-tag\"]}\n";
        ++n;
    }
    QString path = m_dir.filePath(QStringLiteral("rich-%1.jsonl").arg(++m_files));
    if (!test::writeAll(path, bytes))
        return {};
    return path;
}

std::unique_ptr<ReviewPanel> ReviewBlindTest::shownPanel(const QString &path, int embeddingDim)
{
    return test::shownReviewPanel(path, embeddingDim, ReviewPanel::JournalPolicy::Discard);
}

void ReviewBlindTest::agreement_kappaOfKnownTables_data()
{
    QTest::addColumn<QVector<int>>("stored");
    QTest::addColumn<QVector<int>>("answers");
    QTest::addColumn<double>("share");
    QTest::addColumn<double>("kappa");
    // p_o = 6/10; marginals (−1, 0, 1) 3, 2, 5 on both sides: p_e = 0.38, κ = 0.22 / 0.62.
    QTest::newRow("ten-pairs") << QVector<int>{1, 1, 1, 1, -1, -1, -1, 0, 0, 1}
                               << QVector<int>{1, 1, -1, 1, -1, -1, 1, 0, 1, 0} << 0.6 << 0.22 / 0.62;
    QTest::newRow("all-agree") << QVector<int>{1, -1, 0} << QVector<int>{1, -1, 0} << 1.0 << 1.0;
    // Agreement exactly at chance: half and half on both sides, crossed.
    QTest::newRow("chance") << QVector<int>{1, 1, -1, -1} << QVector<int>{1, -1, 1, -1} << 0.5 << 0.0;
    QTest::newRow("always-opposite") << QVector<int>{1, -1} << QVector<int>{-1, 1} << 0.0 << -1.0;
    // Both always said A: p_e = 1, κ is undefined.
    QTest::newRow("one-label-only") << QVector<int>{1, 1} << QVector<int>{1, 1} << 1.0 << std::nan("");
    QTest::newRow("empty") << QVector<int>{} << QVector<int>{} << std::nan("") << std::nan("");
}

void ReviewBlindTest::agreement_kappaOfKnownTables()
{
    QFETCH(QVector<int>, stored);
    QFETCH(QVector<int>, answers);
    QFETCH(double, share);
    QFETCH(double, kappa);
    Agreement a;
    for (int i = 0; i < stored.size(); ++i)
        a.add(stored[i], answers[i]);
    a.add(2, 1); // not a label: ignored
    QCOMPARE(a.count(), qint64(stored.size()));
    if (std::isnan(share))
        QVERIFY(std::isnan(a.share()));
    else
        QVERIFY(std::fabs(a.share() - share) < 1e-12);
    if (std::isnan(kappa))
        QVERIFY(std::isnan(a.kappa()));
    else
        QVERIFY2(std::fabs(a.kappa() - kappa) < 1e-12, qPrintable(QString::number(a.kappa())));
}

void ReviewBlindTest::blindMode_nothingShownDependsOnTheStoredLabel()
{
    QString path = m_dir.filePath(QStringLiteral("sample.jsonl"));
    QVERIFY(QFile::copy(kSample, path));
    QFile(path).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    auto panel = shownPanel(path, 32);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    ui::ReviewDocument *document = panel->document();
    const LabelDocument &doc = document->data();
    // One pair of each label, with reason tags where the sample has them.
    auto pick = [&](int label) {
        int any = -1;
        for (int r = 0; r < doc.rowCount(); ++r)
            if (doc.row(r).label == label) {
                if (!doc.row(r).tags.empty())
                    return r;
                if (any < 0)
                    any = r;
            }
        return any;
    };
    const QList<int> rows = {pick(1), pick(0), pick(-1)};
    QVERIFY(!rows.contains(-1));

    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QVERIFY(panel->findChild<QCheckBox *>(QStringLiteral("blindMode"))->isChecked());
    // Answer one of them blind first: an answered pair must not tell the label either.
    panel->goToRow(rows[1]);
    const int answeredLabel = doc.row(rows[1]).label;
    QTest::keyClick(keys, Qt::Key_1);
    QVERIFY(panel->blindAnswers().hasAnswer(rows[1]));

    const QStringList telltales = {
        QStringLiteral("PREFERRED"),   QStringLiteral("EQUAL"),   QStringLiteral("label 1"),
        QStringLiteral("label −1"),    QStringLiteral("label 0"), QStringLiteral("A preferred"),
        QStringLiteral("B preferred"), QStringLiteral("agrees"),  QStringLiteral("was "),
        QStringLiteral("planted-tag"), QStringLiteral("▲"),       QStringLiteral("score_diff ")};
    for (int row : rows) {
        panel->goToRow(row);
        QCOMPARE(panel->currentRow(), row);
        QApplication::processEvents();
        for (QLabel *badge : panel->findChildren<QLabel *>(QStringLiteral("cardBadge")))
            QVERIFY(!badge->isVisible());
        const Snapshot before = snapshot(panel.get());
        for (const QString &line : before.widgets + before.cells)
            for (const QString &telltale : telltales)
                QVERIFY2(!line.contains(telltale), qPrintable(QStringLiteral("%1 in %2").arg(telltale, line)));
        for (const QString &cell : before.cells)
            QVERIFY2(!cell.contains(QStringLiteral("= 0")), qPrintable(cell));

        // Give the pair each other label and other tags: what is shown stays the same, pixel for pixel.
        const int stored = doc.row(row).label;
        const bool reviewed = doc.row(row).reviewed;
        QStringList tags;
        for (const auto &t : doc.row(row).tags)
            tags << QString::fromStdString(t);
        for (int other : {1, 0, -1}) {
            if (other == stored)
                continue;
            document->applyLabel(row, other, reviewed);
            document->applyTags(row, {QStringLiteral("planted-tag")});
            QApplication::processEvents();
            const Snapshot after = snapshot(panel.get());
            QCOMPARE(after.widgets, before.widgets);
            QCOMPARE(after.cells, before.cells);
            QVERIFY2(after.pairView == before.pairView,
                     qPrintable(QStringLiteral("row %1 label %2").arg(row).arg(other)));
        }
        document->applyLabel(row, stored, reviewed);
        document->applyTags(row, tags);
    }
    QCOMPARE(doc.row(rows[1]).label, answeredLabel); // answering changed no label

    // Ending blind mode shows everything again.
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    panel->goToRow(rows[0]);
    QVERIFY(panel->findChild<QWidget *>(QStringLiteral("cardLeft"))
                ->findChild<QLabel *>(QStringLiteral("cardBadge"))
                ->isVisible());
    QVERIFY(
        panel->findChild<QLabel *>(QStringLiteral("verdictBanner"))->text().contains(QStringLiteral("A preferred")));
    // The same comparison outside blind mode does see the label change: the check above can fail.
    const Snapshot seeing = snapshot(panel.get());
    const bool reviewed = doc.row(rows[0]).reviewed;
    document->applyLabel(rows[0], -1, reviewed);
    QApplication::processEvents();
    const Snapshot changed = snapshot(panel.get());
    QVERIFY(changed.widgets != seeing.widgets);
    QVERIFY(changed.cells != seeing.cells);
    QVERIFY(!(changed.pairView == seeing.pairView));
    document->applyLabel(rows[0], 1, reviewed);
}

void ReviewBlindTest::blindAnswers_countedAgainstLabels_shareAndKappaShown()
{
    const QString path = richFile();
    const QByteArray original = test::readAll(path);
    auto panel = shownPanel(path, 2);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    const LabelDocument &doc = panel->document()->data();
    QCOMPARE(doc.rowCount(), 10);
    auto *table = panel->findChild<QTreeWidget *>(QStringLiteral("agreementTable"));
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QCOMPARE(panel->currentRow(), 0);
    for (int row = 0; row < 10; ++row) {
        QCOMPARE(panel->currentRow(), row);
        const QString left = cardTitle(panel.get(), "cardLeft");
        const bool leftIsA = left == QStringLiteral("Left · ") + QString::fromLatin1(kPairs[row].a);
        QVERIFY(leftIsA || left == QStringLiteral("Left · ") + QString::fromLatin1(kPairs[row].b));
        const int answer = kAnswers[row];
        const int sideAnswer = leftIsA ? answer : -answer; // 1: the left card
        QTest::keyClick(keys, sideAnswer > 0 ? Qt::Key_1 : sideAnswer < 0 ? Qt::Key_2 : Qt::Key_0);
        // While blind, agreement is not shown: it would tell the label just answered.
        QVERIFY(!table->isVisible());
    }
    QCOMPARE(panel->blindAnswers().size(), 10);
    for (int row = 0; row < 10; ++row) {
        QCOMPARE(panel->blindAnswers().answer(row), kAnswers[row]);
        QCOMPARE(doc.row(row).label, kPairs[row].label); // the labels are untouched
    }
    QVERIFY(!panel->hasUnsavedChanges());
    QCOMPARE(test::readAll(path), original);

    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QVERIFY(table->isVisible());
    QCOMPARE(table->topLevelItemCount(), 3);
    auto rowText = [&](int i) {
        QStringList cells;
        for (int c = 0; c < table->columnCount(); ++c)
            cells << table->topLevelItem(i)->text(c);
        return cells;
    };
    // By hand: overall p_o 6/10, p_e 0.38, κ 0.22/0.62 = 0.3548; projects 4/5, p_e 14/25,
    // κ 0.24/0.44 = 0.5455; skills 2/5, p_e 8/25, κ 0.08/0.68 = 0.1176.
    QCOMPARE(rowText(0), (QStringList{QStringLiteral("All item types"), QStringLiteral("10"), QStringLiteral("6"),
                                      QStringLiteral("60.0 %"), QStringLiteral("0.355")}));
    QCOMPARE(rowText(1), (QStringList{QStringLiteral("project"), QStringLiteral("5"), QStringLiteral("4"),
                                      QStringLiteral("80.0 %"), QStringLiteral("0.545")}));
    QCOMPARE(rowText(2), (QStringList{QStringLiteral("skill"), QStringLiteral("5"), QStringLiteral("2"),
                                      QStringLiteral("40.0 %"), QStringLiteral("0.118")}));
    const QString summary = panel->findChild<QLabel *>(QStringLiteral("blindSummary"))->text();
    QVERIFY2(summary.contains(QStringLiteral("60.0 %")) && summary.contains(QStringLiteral("0.355")),
             qPrintable(summary));

    // Undo in blind mode takes back the last answer and shows its pair, and nothing else.
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QTest::keyClick(keys, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(panel->blindAnswers().size(), 9);
    QVERIFY(!panel->blindAnswers().hasAnswer(9));
    QCOMPARE(panel->currentRow(), 9);
    QVERIFY(!panel->hasUnsavedChanges());
}

void ReviewBlindTest::blindAnswers_disagreementsOneClickAway_applyIsUndoable()
{
    const QString path = richFile();
    const QByteArray original = test::readAll(path);
    auto panel = shownPanel(path, 2);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    const LabelDocument &doc = panel->document()->data();
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    for (int row = 0; row < 10; ++row) {
        const bool leftIsA =
            cardTitle(panel.get(), "cardLeft") == QStringLiteral("Left · ") + QString::fromLatin1(kPairs[row].a);
        const int sideAnswer = leftIsA ? kAnswers[row] : -kAnswers[row];
        QTest::keyClick(keys, sideAnswer > 0 ? Qt::Key_1 : sideAnswer < 0 ? Qt::Key_2 : Qt::Key_0);
    }
    auto *disagreements = panel->findChild<QPushButton *>(QStringLiteral("blindDisagreementsButton"));
    QVERIFY(!disagreements->isEnabled()); // not while blind
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QVERIFY(disagreements->isEnabled());
    QVERIFY(disagreements->isVisible());
    QTest::mouseClick(disagreements, Qt::LeftButton);
    QCOMPARE(panel->visibleRows(), (QVector<int>{2, 6, 8, 9}));
    QCOMPARE(panel->currentRow(), 2);
    // Each one says what was answered, beside the stored label.
    QVERIFY(panel->findChild<QLabel *>(QStringLiteral("pairInfo"))
                ->text()
                .contains(QStringLiteral("blind answer B preferred (disagrees)")));
    QTest::mouseClick(disagreements, Qt::LeftButton);
    QCOMPARE(panel->visibleRows().size(), 10);

    // Applying is explicit, one undo step, and the file changes only when saved.
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("applyBlindAnswersButton")), Qt::LeftButton);
    for (int row = 0; row < 10; ++row)
        QCOMPARE(doc.row(row).label, kAnswers[row]);
    QVERIFY(panel->hasUnsavedChanges());
    QCOMPARE(test::readAll(path), original);
    auto *table = panel->findChild<QTreeWidget *>(QStringLiteral("agreementTable"));
    QCOMPARE(table->topLevelItem(0)->text(3), QStringLiteral("100.0 %"));
    QTest::keyClick(keys, Qt::Key_Z, Qt::ControlModifier);
    for (int row = 0; row < 10; ++row)
        QCOMPARE(doc.row(row).label, kPairs[row].label);
    QCOMPARE(table->topLevelItem(0)->text(3), QStringLiteral("60.0 %"));
    QVERIFY(!panel->hasUnsavedChanges());
}

void ReviewBlindTest::itemCard_showsEveryFieldOfTheItem_sameRowsBothSides()
{
    auto panel = shownPanel(richFile(), 2);
    QVERIFY(panel);
    panel->resize(1024, 640);
    panel->goToRow(0);
    QApplication::processEvents();
    const QString left = cardText(panel.get(), "cardLeft"), right = cardText(panel.get(), "cardRight");
    const QString longText = QString::fromUtf8(kLongText);
    for (const QString &expected :
         {QStringLiteral("p0"), QStringLiteral("item_type"), QStringLiteral("project"), QStringLiteral("title"),
          QStringLiteral("Title of p0"), QStringLiteral("text"), longText, QStringLiteral("url"),
          QStringLiteral("https://example.org/items/p0"), QStringLiteral("source"), QStringLiteral("forge-p0"),
          QStringLiteral("languages"), QStringLiteral("rust"), QStringLiteral("typescript"), QStringLiteral("stars"),
          QStringLiteral("metrics"), QStringLiteral("embedding"), QStringLiteral("2 values")})
        QVERIFY2(left.contains(expected), qPrintable(QStringLiteral("%1 not in\n%2").arg(expected, left)));
    QVERIFY(right.contains(QStringLiteral("Title of p1")));
    QVERIFY(right.contains(longText));
    QVERIFY(!right.contains(QStringLiteral("https://example.org/items/p1"))); // p1 has no URL here

    // The same rows in the same order on both sides, known fields first, "—" where one is missing.
    auto order = [](const QString &card) {
        QStringList names;
        for (const QString &line : card.split(QLatin1Char('\n'))) {
            const QString name = line.trimmed();
            for (const char *field : {"id", "item_type", "item_reference_id", "created_at", "embedding_id", "embedding",
                                      "metrics", "url", "title", "text", "source"})
                if (name == QLatin1String(field))
                    names << name;
        }
        return names;
    };
    QCOMPARE(order(left), order(right));
    QCOMPARE(order(left),
             (QStringList{QStringLiteral("id"), QStringLiteral("item_type"), QStringLiteral("item_reference_id"),
                          QStringLiteral("created_at"), QStringLiteral("embedding_id"), QStringLiteral("embedding"),
                          QStringLiteral("metrics"), QStringLiteral("title"), QStringLiteral("url"),
                          QStringLiteral("text"), QStringLiteral("source")}));
    const QStringList rightLines = right.split(QLatin1Char('\n'));
    const int url = rightLines.indexOf(QStringLiteral("url"));
    QVERIFY(url >= 0 && url + 1 < rightLines.size());
    QCOMPARE(rightLines[url + 1].trimmed(), QStringLiteral("—"));

    // The long text does not fit a 640-high window: the card scrolls to it.
    auto *body =
        panel->findChild<QWidget *>(QStringLiteral("cardLeft"))->findChild<QTextBrowser *>(QStringLiteral("cardBody"));
    QVERIFY(body->verticalScrollBar()->maximum() > 0);
    // Scrolling one card scrolls the other with it.
    auto *other =
        panel->findChild<QWidget *>(QStringLiteral("cardRight"))->findChild<QTextBrowser *>(QStringLiteral("cardBody"));
    body->verticalScrollBar()->setValue(body->verticalScrollBar()->maximum() / 2);
    QVERIFY(body->verticalScrollBar()->value() > 0);
    QCOMPARE(other->verticalScrollBar()->value(), body->verticalScrollBar()->value());
}

void ReviewBlindTest::screenshot_whenRequested()
{
    const QString out = qEnvironmentVariable("RANKER_REVIEW_BLIND_SCREENSHOT");
    if (out.isEmpty())
        QSKIP("set RANKER_REVIEW_BLIND_SCREENSHOT=FILE.png to write the screenshot");
    auto panel = shownPanel(richFile(), 2);
    QVERIFY(panel);
    const QStringList size = qEnvironmentVariable("RANKER_REVIEW_BLIND_SIZE", QStringLiteral("1280x820")).split('x');
    QCOMPARE(size.size(), 2);
    panel->resize(size[0].toInt(), size[1].toInt());
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QTest::keyClick(keys, Qt::Key_1);
    QTest::keyClick(keys, Qt::Key_2);
    QTest::keyClick(keys, Qt::Key_0);
    QApplication::processEvents();
    QVERIFY(panel->grab().save(out));
    const QString after = qEnvironmentVariable("RANKER_REVIEW_BLIND_AFTER_SCREENSHOT");
    if (!after.isEmpty()) {
        QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
        QApplication::processEvents();
        QVERIFY(panel->grab().save(after));
    }
}

QTEST_MAIN(ReviewBlindTest)
#include "tst_review_blind.moc"
