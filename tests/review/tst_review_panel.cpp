// The Review panel driven like a person would: keys, clicks, and what ends up on disk.

#include "core/label_document.h"
#include "core/model.h"
#include "reviewpaneltestsupport.h"
#include "reviewtestsupport.h"
#include "ui/review/blindsession.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>
#include <set>

#include <sys/resource.h>

using namespace ranker;
using ranker::ui::ReviewPanel;

namespace {
const QString kSample = QStringLiteral(RANKER_SOURCE_DIR "/resources/sample/sample_pairs.jsonl");
}

class ReviewPanelTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void labelTenUndoThree_savedFileDiffersInExactlySevenLines();
    void blindMode_keysFollowTheShownSides();
    void filters_labelTypeTagIdAndChanged();
    void consistency_sampleContradictionsListedAndOneClickAway();
    void crashBetweenEdits_panelOffersJournalReplay();
    void saveIntoFullDisk_showsMessageAndKeepsOriginal();
    void addAndRemovePair_fromTheForm_undoable();
    void tagEdit_addsTagWithCompletionSource();
    void helpOverlay_listsEveryShortcut();
    void nextPair_keyRightWalksTheRows();
    void keyboard_filterFieldUndoSaveAndOneHighlightedRow();
    void labelNext_suggestedPairsAnsweredWithKeysAreAppended();
    void openMissingFile_reportsFailure();
    void maybeSave_asksAndHonoursTheAnswer();
    void modelAssisted_sortsByDisagreement();
    /// Writes the README's screenshot when RANKER_REVIEW_SCREENSHOT names a .png; skipped otherwise.
    void screenshot_whenRequested();

private:
    std::unique_ptr<ReviewPanel> shownPanel(const QString &path);
    QString copyOfSample();
    QTemporaryDir m_dir;
    int m_copies = 0;
};

void ReviewPanelTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void ReviewPanelTest::init() {}

QString ReviewPanelTest::copyOfSample()
{
    QString path = m_dir.filePath(QStringLiteral("sample-%1.jsonl").arg(++m_copies));
    QFile::copy(kSample, path);
    QFile(path).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

std::unique_ptr<ReviewPanel> ReviewPanelTest::shownPanel(const QString &path)
{
    return test::shownReviewPanel(path, 32, ReviewPanel::JournalPolicy::Replay);
}

void ReviewPanelTest::labelTenUndoThree_savedFileDiffersInExactlySevenLines()
{
    QString path = copyOfSample();
    QByteArray original = test::readAll(path);
    auto panel = shownPanel(path);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    const LabelDocument &doc = panel->document()->data();
    QSignalSpy modified(panel.get(), &ReviewPanel::modifiedChanged);

    QList<int> rows;
    for (int i = 0; i < 10; ++i) {
        int row = panel->currentRow();
        rows << row;
        int label = doc.row(row).label;
        // A key that changes the label: 1 (A preferred) unless it already is, then 2 (B preferred).
        QTest::keyClick(keys, label == 1 ? Qt::Key_2 : Qt::Key_1);
        QCOMPARE(doc.row(row).label, label == 1 ? -1 : 1);
        QCOMPARE(panel->currentRow(), row + 1); // the next pair is shown at once
    }
    QCOMPARE(doc.reviewedCount(), 10);
    QVERIFY(panel->hasUnsavedChanges());
    QVERIFY(!modified.isEmpty());
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(keys, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc.reviewedCount(), 7);
    QTest::keyClick(keys, Qt::Key_S, Qt::ControlModifier);
    QVERIFY(!panel->hasUnsavedChanges());

    QByteArray saved = test::readAll(path);
    QList<QByteArray> before = test::lines(original), after = test::lines(saved);
    QCOMPARE(after.size(), before.size());
    QSet<int> changed;
    for (int i = 0; i < before.size(); ++i)
        if (before[i] != after[i])
            changed.insert(i);
    QSet<int> expected;
    for (int i = 0; i < 7; ++i)
        expected.insert(int(doc.row(rows[i]).line));
    QCOMPARE(changed, expected);
    for (int line : changed) {
        // Only the label value differs.
        QByteArray restored = after[line];
        int at = restored.indexOf("\"label\":");
        QVERIFY(at > 0);
        int end = restored.indexOf(',', at);
        QByteArray oldValue = before[line].mid(at, before[line].indexOf(',', at) - at);
        restored.replace(at, end - at, oldValue);
        QCOMPARE(restored, before[line]);
    }
    // Every other byte is identical: the original with the seven lines put back is the saved file.
    QList<QByteArray> rebuilt = after;
    for (int line : changed)
        rebuilt[line] = before[line];
    QCOMPARE(rebuilt.join('\n') + '\n', original);
    QCOMPARE(test::readAll(path + ".bak"), original);
}

void ReviewPanelTest::blindMode_keysFollowTheShownSides()
{
    QString path = copyOfSample();
    auto panel = shownPanel(path);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    auto *blind = panel->findChild<QCheckBox *>(QStringLiteral("blindMode"));
    QTest::keyClick(keys, Qt::Key_B, Qt::ControlModifier);
    QVERIFY(blind->isChecked());
    const LabelDocument &doc = panel->document()->data();
    const auto &items = doc.dataset().items;
    int swappedSeen = 0, straightSeen = 0;
    for (int i = 0; i < 30; ++i) {
        int row = panel->currentRow();
        QString leftTitle = panel->findChild<QWidget *>(QStringLiteral("cardLeft"))
                                ->findChild<QLabel *>(QStringLiteral("cardTitle"))
                                ->text();
        QVERIFY(leftTitle.startsWith(QStringLiteral("Left")));
        bool leftIsA =
            leftTitle == QStringLiteral("Left · ") + QString::fromStdString(items[size_t(doc.row(row).a)].id);
        bool leftIsB =
            leftTitle == QStringLiteral("Left · ") + QString::fromStdString(items[size_t(doc.row(row).b)].id);
        QVERIFY(leftIsA != leftIsB);
        (leftIsA ? straightSeen : swappedSeen)++;
        const int label = doc.row(row).label;
        QTest::keyClick(keys, Qt::Key_1); // the LEFT item is preferred
        // Recorded as an answer in the pair's own A/B terms; the stored label is not touched
        // until the answers are applied (issue 15).
        QVERIFY(panel->blindAnswers().hasAnswer(row));
        QCOMPARE(panel->blindAnswers().answer(row), leftIsA ? 1 : -1);
        QCOMPARE(doc.row(row).label, label);
    }
    QVERIFY(swappedSeen > 0 && straightSeen > 0);
    QVERIFY(!panel->hasUnsavedChanges());
}

void ReviewPanelTest::filters_labelTypeTagIdAndChanged()
{
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    const LabelDocument &doc = panel->document()->data();
    auto *label = panel->findChild<QComboBox *>(QStringLiteral("labelFilter"));
    label->setCurrentIndex(label->findData(0));
    QVERIFY(!panel->visibleRows().isEmpty());
    for (int r : panel->visibleRows())
        QCOMPARE(doc.row(r).label, 0);
    label->setCurrentIndex(0);
    QCOMPARE(panel->visibleRows().size(), 330);

    auto *type = panel->findChild<QComboBox *>(QStringLiteral("typeFilter"));
    type->setCurrentIndex(type->findData(QStringLiteral("skill")));
    QVERIFY(!panel->visibleRows().isEmpty() && panel->visibleRows().size() < 330);
    for (int r : panel->visibleRows())
        QVERIFY(doc.dataset().items[size_t(doc.row(r).a)].itemType == "skill" ||
                doc.dataset().items[size_t(doc.row(r).b)].itemType == "skill");
    type->setCurrentIndex(0);

    auto *tag = panel->findChild<QComboBox *>(QStringLiteral("tagFilter"));
    tag->setCurrentIndex(tag->findData(QStringLiteral("clarity")));
    for (int r : panel->visibleRows()) {
        const auto &tags = doc.row(r).tags;
        QVERIFY(std::find(tags.begin(), tags.end(), "clarity") != tags.end());
    }
    tag->setCurrentIndex(0);

    auto *id = panel->findChild<QLineEdit *>(QStringLiteral("idFilter"));
    QTest::keyClicks(id, QStringLiteral("redis"));
    QVERIFY(!panel->visibleRows().isEmpty());
    for (int r : panel->visibleRows())
        QVERIFY(QString::fromStdString(doc.dataset().items[size_t(doc.row(r).a)].id +
                                       doc.dataset().items[size_t(doc.row(r).b)].id)
                    .contains(QStringLiteral("redis")));
    id->clear();

    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    keys->setFocus();
    int first = panel->currentRow();
    QTest::keyClick(keys, doc.row(first).label == 0 ? Qt::Key_1 : Qt::Key_0);
    QTest::keyClick(keys, Qt::Key_Space); // skip: not changed
    int third = panel->currentRow();
    QTest::keyClick(keys, doc.row(third).label == 0 ? Qt::Key_1 : Qt::Key_0);
    QTest::mouseClick(panel->findChild<QCheckBox *>(QStringLiteral("changedFilter")), Qt::LeftButton, {}, QPoint(5, 5));
    QCOMPARE(panel->visibleRows(), (QVector<int>{first, third}));
    auto *progress = panel->findChild<QWidget *>(QStringLiteral("reviewProgress"));
    QVERIFY(progress->property("value").toInt() == 2 && progress->property("maximum").toInt() == 330);
}

void ReviewPanelTest::consistency_sampleContradictionsListedAndOneClickAway()
{
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    QSignalSpy checked(panel.get(), &ReviewPanel::consistencyChecked);
    QTest::mouseClick(panel->findChild<QToolButton *>(QStringLiteral("checkButton")), Qt::LeftButton);
    QCOMPARE(checked.size(), 1);
    auto *tree = panel->findChild<QTreeWidget *>(QStringLiteral("issuesTree"));
    QList<QTreeWidgetItem *> contradictions;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0).startsWith(QStringLiteral("Contradiction")))
            contradictions << tree->topLevelItem(i);
    QCOMPARE(contradictions.size(), 2);
    QVERIFY(panel->findChild<QLabel *>(QStringLiteral("issuesSummary"))
                ->text()
                .contains(QStringLiteral("2 contradiction")));
    // One click on a listed pair shows it, even when a filter hid it.
    panel->findChild<QLineEdit *>(QStringLiteral("idFilter"))->setText(QStringLiteral("no-such-id"));
    contradictions[1]->setExpanded(true);
    QTreeWidgetItem *child = contradictions[1]->child(1);
    tree->scrollToItem(child);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(child).center());
    int row = child->data(0, Qt::UserRole).toInt();
    QCOMPARE(panel->currentRow(), row);
    QCOMPARE(panel->document()->data().row(row).line + 1, child->text(1).toLongLong());
}

void ReviewPanelTest::crashBetweenEdits_panelOffersJournalReplay()
{
    QString path = copyOfSample();
    QByteArray original = test::readAll(path);
    QList<int> labels;
    {
        auto panel = shownPanel(path);
        QVERIFY(panel);
        QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
        QTest::keyClick(keys, Qt::Key_0);
        QTest::keyClick(keys, Qt::Key_2);
        QTest::keyClick(keys, Qt::Key_1);
        for (int r = 0; r < 3; ++r)
            labels << panel->document()->data().row(r).label;
        // The panel goes away without saving: a crash, as far as the file is concerned.
    }
    QCOMPARE(test::readAll(path), original);
    auto panel = shownPanel(path);
    QVERIFY(panel);
    QVERIFY(panel->hasUnsavedChanges());
    QVERIFY(panel->lastMessage().contains(QStringLiteral("Recovered")));
    for (int r = 0; r < 3; ++r)
        QCOMPARE(panel->document()->data().row(r).label, labels[r]);
    QVERIFY(panel->save());
    QCOMPARE(panel->document()->data().rowCount(), 330);
    auto again = shownPanel(path);
    QVERIFY(!again->hasUnsavedChanges());
    QCOMPARE(again->document()->data().row(0).label, labels[0]);
}

void ReviewPanelTest::saveIntoFullDisk_showsMessageAndKeepsOriginal()
{
    QString path = copyOfSample();
    QByteArray original = test::readAll(path);
    auto panel = shownPanel(path);
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    QTest::keyClick(keys, panel->document()->data().row(0).label == 1 ? Qt::Key_2 : Qt::Key_1);
    QSignalSpy messages(panel.get(), &ReviewPanel::message);

    struct rlimit old;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    struct rlimit small = old;
    small.rlim_cur = rlim_t(original.size() / 3);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    QTest::mouseClick(panel->findChild<QToolButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
    setrlimit(RLIMIT_FSIZE, &old);

    QCOMPARE(test::readAll(path), original);
    QVERIFY(panel->hasUnsavedChanges());
    auto *status = panel->findChild<QLabel *>(QStringLiteral("statusLabel"));
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains(QStringLiteral("Not saved")) &&
                 status->text().contains(QStringLiteral("too large")),
             qPrintable(status->text()));
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().at(1).toBool(), true);
    QVERIFY(panel->save());
    QVERIFY(test::readAll(path) != original);
}

void ReviewPanelTest::addAndRemovePair_fromTheForm_undoable()
{
    QString path = copyOfSample();
    auto panel = shownPanel(path);
    QVERIFY(panel);
    const LabelDocument &doc = panel->document()->data();
    panel->findChild<QLineEdit *>(QStringLiteral("addItemA"))->setText(QStringLiteral("proj-3"));
    panel->findChild<QLineEdit *>(QStringLiteral("addItemB"))->setText(QStringLiteral("skill-go"));
    auto *label = panel->findChild<QComboBox *>(QStringLiteral("addLabel"));
    label->setCurrentIndex(label->findData(-1));
    QTest::keyClicks(panel->findChild<QLineEdit *>(QStringLiteral("addTags")), QStringLiteral("relevance, impact"));
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("addPairButton")), Qt::LeftButton);
    QCOMPARE(doc.rowCount(), 331);
    QCOMPARE(panel->currentRow(), 330);
    QCOMPARE(doc.row(330).label, -1);
    QCOMPARE(doc.row(330).tags, (std::vector<std::string>{"relevance", "impact"}));
    auto *title = panel->findChild<QLabel *>(QStringLiteral("fileLabel"));
    QVERIFY2(title->text().contains(QStringLiteral("331 pairs")), qPrintable(title->text()));
    // A second pair while the file is already modified: the header counts it too.
    panel->findChild<QLineEdit *>(QStringLiteral("addItemA"))->setText(QStringLiteral("proj-4"));
    panel->findChild<QLineEdit *>(QStringLiteral("addItemB"))->setText(QStringLiteral("skill-go"));
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("addPairButton")), Qt::LeftButton);
    QCOMPARE(doc.rowCount(), 332);
    QVERIFY2(title->text().contains(QStringLiteral("332 pairs")), qPrintable(title->text()));
    QTest::keyClick(panel->findChild<QTableView *>(QStringLiteral("pairTable")), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY2(title->text().contains(QStringLiteral("331 pairs")), qPrintable(title->text()));

    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    keys->setFocus();
    panel->goToRow(5);
    QTest::keyClick(keys, Qt::Key_Delete);
    QVERIFY(doc.row(5).removed);
    QTest::keyClick(keys, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(!doc.row(5).removed);
    QTest::keyClick(keys, Qt::Key_Delete);
    QVERIFY(panel->save());
    QCOMPARE(doc.rowCount(), 330); // 330 + 1 added − 1 removed
    Dataset ds = loadDataset(path.toStdString(), test::withDim(32));
    QCOMPARE(int(ds.pairs.size()), 330);
    QVERIFY(ds.skipped.empty());
    const Pair &last = ds.pairs.back();
    QCOMPARE(QString::fromStdString(ds.items[size_t(last.a)].id), QStringLiteral("proj-3"));
    QCOMPARE(QString::fromStdString(ds.items[size_t(last.b)].id), QStringLiteral("skill-go"));
    QCOMPARE(int(last.label), -1);
}

void ReviewPanelTest::tagEdit_addsTagWithCompletionSource()
{
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    const LabelDocument &doc = panel->document()->data();
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    auto *edit = panel->findChild<QLineEdit *>(QStringLiteral("tagEdit"));
    QVERIFY(edit->completer());
    QStringList known = qobject_cast<QStringListModel *>(edit->completer()->model())->stringList();
    QVERIFY(known.contains(QStringLiteral("clarity")));
    int row = panel->currentRow();
    QTest::keyClick(keys, Qt::Key_T);
    QVERIFY(edit->hasFocus());
    QTest::keyClicks(edit, QStringLiteral("brand-new-tag"));
    QTest::keyClick(edit, Qt::Key_Return);
    const auto &tags = doc.row(row).tags;
    QVERIFY(std::find(tags.begin(), tags.end(), "brand-new-tag") != tags.end());
    QVERIFY(qobject_cast<QStringListModel *>(edit->completer()->model())
                ->stringList()
                .contains(QStringLiteral("brand-new-tag")));
    QVERIFY(!edit->hasFocus()); // back to labelling
    QTest::keyClick(keys, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(std::find(doc.row(row).tags.begin(), doc.row(row).tags.end(), "brand-new-tag") == doc.row(row).tags.end());
}

void ReviewPanelTest::helpOverlay_listsEveryShortcut()
{
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    auto *overlay = panel->findChild<QWidget *>(QStringLiteral("helpOverlay"));
    QVERIFY(!overlay->isVisible());
    QTest::keyClick(keys, Qt::Key_H);
    QVERIFY(overlay->isVisible());
    QString text = panel->findChild<QLabel *>(QStringLiteral("helpText"))->text();
    for (QAction *action : panel->actions())
        for (const QKeySequence &key : action->shortcuts())
            QVERIFY2(text.contains(key.toString(QKeySequence::NativeText).toHtmlEscaped()), qPrintable(key.toString()));
    QTest::keyClick(keys, Qt::Key_Escape);
    QVERIFY(!overlay->isVisible());
}

void ReviewPanelTest::openMissingFile_reportsFailure()
{
    ReviewPanel panel;
    QSignalSpy failed(&panel, &ReviewPanel::openFailed);
    QVERIFY(panel.openFile(m_dir.filePath(QStringLiteral("missing.jsonl")), 32));
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("missing.jsonl")));
    QVERIFY(!panel.isLoading());
    QVERIFY(panel.filePath().isEmpty());
}

void ReviewPanelTest::maybeSave_asksAndHonoursTheAnswer()
{
    QString path = copyOfSample();
    QByteArray original = test::readAll(path);
    auto panel = shownPanel(path);
    QVERIFY(panel);
    QVERIFY(panel->maybeSave()); // nothing to ask about yet
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    QTest::keyClick(keys, panel->document()->data().row(0).label == 1 ? Qt::Key_2 : Qt::Key_1);
    QVERIFY(panel->hasUnsavedChanges());
    auto answer = [](QMessageBox::StandardButton button) {
        QTimer::singleShot(0, [button] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            QTest::mouseClick(box->button(button), Qt::LeftButton);
        });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!panel->maybeSave());
    QVERIFY(panel->hasUnsavedChanges());
    QString journal = QString::fromStdString(LabelDocument::journalPathFor(path.toStdString()));
    QVERIFY(QFile::exists(journal));
    answer(QMessageBox::Discard);
    QVERIFY(panel->maybeSave());
    QVERIFY(!QFile::exists(journal)); // discarded edits are not offered again
    QCOMPARE(test::readAll(path), original);
    QTest::keyClick(keys, Qt::Key_0);
    answer(QMessageBox::Save);
    QVERIFY(panel->maybeSave());
    QVERIFY(!panel->hasUnsavedChanges());
    QVERIFY(test::readAll(path) != original);
}

void ReviewPanelTest::nextPair_keyRightWalksTheRows()
{
    // How long a step takes is bench/review_bench's to print; a test only checks where it lands.
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    for (int i = 0; i < 100; ++i) {
        QTest::keyClick(keys, Qt::Key_Right);
        QCoreApplication::processEvents();
    }
    QCOMPARE(panel->currentRow(), 100);
    QTest::keyClick(keys, Qt::Key_Left);
    QCOMPARE(panel->currentRow(), 99);
}

void ReviewPanelTest::keyboard_filterFieldUndoSaveAndOneHighlightedRow()
{
    const QString path = copyOfSample();
    const QByteArray original = test::readAll(path);
    auto panel = shownPanel(path);
    QVERIFY(panel);
    auto *table = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    auto *filter = panel->findChild<QLineEdit *>(QStringLiteral("idFilter"));
    const LabelDocument &doc = panel->document()->data();

    // Label pair 0, walk five pairs on: Ctrl+Z undoes the label and brings pair 0 back.
    const int first = panel->currentRow();
    const int label = doc.row(first).label;
    QTest::keyClick(table, label == 1 ? Qt::Key_2 : Qt::Key_1);
    for (int i = 0; i < 5; ++i)
        QTest::keyClick(table, Qt::Key_Right);
    QCOMPARE(panel->currentRow(), first + 6);
    QTest::keyClick(table, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc.row(first).label, label);
    QCOMPARE(panel->currentRow(), first);
    // Redo, from five pairs away again, brings it back too.
    for (int i = 0; i < 5; ++i)
        QTest::keyClick(table, Qt::Key_Right);
    QTest::keyClick(table, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(doc.row(first).label, label == 1 ? -1 : 1);
    QCOMPARE(panel->currentRow(), first);
    // One highlighted row, the current one.
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->selectionModel()->selectedRows().first().row(), table->currentIndex().row());

    // Focus in the filter field: typing filters; ↓ and ↑ step through the matches without leaving it;
    // Ctrl+Z undoes the label (not the typing) and Ctrl+S saves; Enter goes back to the label keys.
    QTest::keyClick(table, Qt::Key_Slash);
    QCOMPARE(QApplication::focusWidget(), filter);
    QTest::keyClicks(filter, QStringLiteral("proj"));
    QCOMPARE(filter->text(), QStringLiteral("proj"));
    const int matched = panel->currentRow();
    QTest::keyClick(filter, Qt::Key_Down);
    QVERIFY(panel->currentRow() != matched);
    QCOMPARE(QApplication::focusWidget(), filter);
    QTest::keyClick(filter, Qt::Key_Up);
    QCOMPARE(panel->currentRow(), matched);
    QTest::keyClick(filter, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc.row(first).label, label);
    QCOMPARE(filter->text(), QStringLiteral("proj")); // the field's own text is untouched
    QVERIFY(!panel->hasUnsavedChanges());             // back at the saved state
    QTest::keyClick(filter, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(panel->hasUnsavedChanges());
    QTest::keyClick(filter, Qt::Key_S, Qt::ControlModifier);
    QVERIFY(!panel->hasUnsavedChanges());
    QVERIFY(test::readAll(path) != original);
    QTest::keyClick(filter, Qt::Key_Return);
    QCOMPARE(QApplication::focusWidget(), table);
    const int here = panel->currentRow();
    const int before = doc.row(here).label;
    QTest::keyClick(table, before == 1 ? Qt::Key_2 : Qt::Key_1);
    QCOMPARE(doc.row(here).label, before == 1 ? -1 : 1);
    // Escape leaves the field too.
    QTest::keyClick(table, Qt::Key_Slash);
    QCOMPARE(QApplication::focusWidget(), filter);
    QTest::keyClick(filter, Qt::Key_Escape);
    QCOMPARE(QApplication::focusWidget(), table);
}

void ReviewPanelTest::labelNext_suggestedPairsAnsweredWithKeysAreAppended()
{
    const QString path = copyOfSample();
    const QByteArray original = test::readAll(path);
    auto panel = shownPanel(path);
    QVERIFY(panel);
    const LabelDocument &doc = panel->document()->data();
    const Dataset &ds = doc.dataset();
    auto *tabs = panel->findChild<QTabWidget *>(QStringLiteral("reviewTabs"));
    auto *tab = panel->findChild<QWidget *>(QStringLiteral("labelNextTab"));
    QVERIFY(tab);
    tabs->setCurrentWidget(tab);
    auto *count = panel->findChild<QSpinBox *>(QStringLiteral("suggestCount"));
    count->setValue(5);
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("suggestButton")), Qt::LeftButton);
    auto *table = panel->findChild<QTableWidget *>(QStringLiteral("suggestTable"));
    QCOMPARE(table->rowCount(), 5);
    // None is a pair the file already names, in either order; each is of one item type.
    std::set<std::pair<std::string, std::string>> named;
    for (const Pair &pair : ds.pairs)
        named.insert(std::minmax(ds.items[size_t(pair.a)].id, ds.items[size_t(pair.b)].id));
    QList<QPair<QString, QString>> suggested;
    for (int r = 0; r < 5; ++r) {
        const QString a = table->item(r, 1)->text(), b = table->item(r, 2)->text();
        QVERIFY2(!named.count(std::minmax(a.toStdString(), b.toStdString())), qPrintable(a + " " + b));
        suggested << qMakePair(a, b);
    }
    // The cards show the first suggestion, and its banner asks.
    auto *banner = panel->findChild<QLabel *>(QStringLiteral("verdictBanner"));
    QVERIFY2(banner->text().startsWith(QStringLiteral("Suggested pair 1 of 5")), qPrintable(banner->text()));
    auto cardTitle = [&](const char *card) {
        return panel->findChild<QWidget *>(QLatin1String(card))
            ->findChild<QLabel *>(QStringLiteral("cardTitle"))
            ->text();
    };
    QVERIFY2(cardTitle("cardLeft").contains(suggested[0].first), qPrintable(cardTitle("cardLeft")));
    QVERIFY2(cardTitle("cardRight").contains(suggested[0].second), qPrintable(cardTitle("cardRight")));

    // Answered with the review keys, wherever focus is in the place: 1, 2, 0, 1, 2.
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    const QList<int> answers = {1, -1, 0, 1, -1};
    for (int i = 0; i < 5; ++i) {
        QWidget *target = i % 2 ? static_cast<QWidget *>(table) : keys;
        target->setFocus();
        QTest::keyClick(target, answers[i] > 0 ? Qt::Key_1 : answers[i] < 0 ? Qt::Key_2 : Qt::Key_0);
        QCOMPARE(doc.rowCount(), 331 + i);
    }
    QVERIFY(table->item(4, 6)->text().startsWith(QStringLiteral("B preferred")));
    // Ctrl+Z takes the last answer back and shows that suggestion again; Ctrl+Shift+Z gives it back.
    QTest::keyClick(keys, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(doc.row(334).removed);
    QVERIFY2(banner->text().startsWith(QStringLiteral("Suggested pair 5 of 5:")), qPrintable(banner->text()));
    QCOMPARE(table->item(4, 6)->text(), QStringLiteral("not labelled"));
    QTest::keyClick(keys, Qt::Key_2);
    QCOMPARE(doc.liveRowCount(), 335);

    // Saved: the file is the original, byte for byte, and then five ordinary lines.
    QVERIFY(panel->save());
    const QByteArray saved = test::readAll(path);
    QVERIFY(saved.startsWith(original));
    const QList<QByteArray> added = test::lines(saved.mid(original.size()));
    QCOMPARE(added.size(), 5);
    const Dataset reread = loadDataset(path.toStdString(), test::withDim(32));
    QVERIFY(reread.skipped.empty());
    QCOMPARE(int(reread.pairs.size()), 335);
    for (int i = 0; i < 5; ++i) {
        const Pair &pair = reread.pairs[size_t(330 + i)];
        QCOMPARE(QString::fromStdString(reread.items[size_t(pair.a)].id), suggested[i].first);
        QCOMPARE(QString::fromStdString(reread.items[size_t(pair.b)].id), suggested[i].second);
        QCOMPARE(int(pair.label), answers[i]);
    }
    // Asked again, the batch never repeats an answered pair.
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("suggestButton")), Qt::LeftButton);
    for (int r = 0; r < table->rowCount(); ++r)
        QVERIFY(!suggested.contains(qMakePair(table->item(r, 1)->text(), table->item(r, 2)->text())));
    // A click on a pair of the file leaves the suggestions.
    panel->goToRow(3);
    QVERIFY(!banner->text().startsWith(QStringLiteral("Suggested")));
    // Blind mode leaves them too and cannot ask for more: an answer there would be a new label.
    auto *suggest = panel->findChild<QPushButton *>(QStringLiteral("suggestButton"));
    QVERIFY(table->rowCount() > 0);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualItemRect(table->item(0, 1)).center());
    QVERIFY(banner->text().startsWith(QStringLiteral("Suggested")));
    panel->findChild<QCheckBox *>(QStringLiteral("blindMode"))->setChecked(true);
    QVERIFY(!banner->text().startsWith(QStringLiteral("Suggested")));
    QVERIFY(!suggest->isEnabled());
    const int rows = doc.rowCount();
    QTest::keyClick(keys, Qt::Key_1);
    QCOMPARE(doc.rowCount(), rows); // a blind answer, not an appended pair
    panel->findChild<QCheckBox *>(QStringLiteral("blindMode"))->setChecked(false);
    QVERIFY(suggest->isEnabled());
}

void ReviewPanelTest::modelAssisted_sortsByDisagreement()
{
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    const LabelDocument &doc = panel->document()->data();
    const Dataset &ds = doc.dataset();
    // A small hand-made run: score = stars-ish linear function of the features.
    QString runs = m_dir.filePath(QStringLiteral("runs"));
    QString folder = runs + QStringLiteral("/20260101-000000-tiny");
    QVERIFY(QDir().mkpath(folder));
    Checkpoint checkpoint;
    ModelWeights &w = checkpoint.weights;
    w.layout.embeddingDim = 32;
    w.layout.metricNames = ds.metricNames;
    w.layout.mean.assign(size_t(w.layout.featureDim()), 0.0f);
    w.layout.std.assign(size_t(w.layout.featureDim()), 1.0f);
    w.hiddenDim = 4;
    int f = w.layout.featureDim();
    w.w1.assign(size_t(4 * f), 0.0f);
    for (int h = 0; h < 4; ++h)
        for (int i = 0; i < f; ++i)
            w.w1[size_t(h * f + i)] = float(((h * 31 + i * 17) % 13) - 6) / 20.0f;
    w.b1.assign(4, 0.1f);
    w.w2.assign(16, 0.0f);
    for (int h = 0; h < 4; ++h)
        w.w2[size_t(h * 4 + h)] = 1.0f;
    w.b2.assign(4, 0.0f);
    w.w3 = {1.0f, -0.5f, 0.25f, 0.75f};
    w.b3 = {0.0f};
    checkpoint.epoch = 1;
    checkpoint.configJson = "{}";
    saveCheckpoint((folder + QStringLiteral("/tiny.pth")).toStdString(), checkpoint);
    QVERIFY(test::writeAll(
        folder + QStringLiteral("/tiny_metadata.json"),
        R"({"model_name":"tiny","margin":1.0,"ended":"completed","loss_history":[0.7],"files":{"pth":"tiny.pth"}})"));
    panel->setRunsFolder(runs);
    auto *combo = panel->findChild<QComboBox *>(QStringLiteral("runCombo"));
    QCOMPARE(combo->count(), 2);
    // First a run whose checkpoint is not one: its error shows, and goes once a good model is picked.
    const QString broken = m_dir.filePath(QStringLiteral("broken-run"));
    QVERIFY(QDir().mkpath(broken));
    QVERIFY(test::writeAll(broken + QStringLiteral("/tiny.pth"), QByteArray("not a checkpoint")));
    QVERIFY(test::writeAll(
        broken + QStringLiteral("/tiny_metadata.json"),
        R"({"model_name":"tiny","margin":1.0,"ended":"completed","loss_history":[0.7],"files":{"pth":"tiny.pth"}})"));
    auto *status = panel->findChild<QLabel *>(QStringLiteral("statusLabel"));
    panel->loadModelRun(broken);
    QTRY_VERIFY(status->isVisible() && status->styleSheet().contains(QStringLiteral("#c0392b")));
    const QString error = status->text();
    QVERIFY(!error.isEmpty());
    QSignalSpy ready(panel.get(), &ReviewPanel::modelScoresReady);
    QVERIFY(panel->loadModelRun(combo->itemData(1).toString()));
    QVERIFY(ready.wait(20000));
    QVERIFY2(status->text() != error && !status->styleSheet().contains(QStringLiteral("#c0392b")),
             qPrintable(status->text()));
    QVERIFY(panel->hasModelScores());
    auto *table = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    QVector<int> rows = panel->visibleRows();
    QCOMPARE(rows.size(), 330);
    // Most confident contradiction first: −label·score_diff (ties: |diff| − margin) never increases.
    auto disagreement = [&](int listRow) {
        int r = rows[listRow];
        double d = table->model()->index(listRow, 6).data().toString().toDouble();
        int label = doc.row(r).label;
        return label != 0 ? -label * d : std::fabs(d) - 1.0;
    };
    for (int i = 1; i < rows.size(); ++i)
        QVERIFY2(disagreement(i - 1) >= disagreement(i) - 2e-3, qPrintable(QString::number(i)));
    QVERIFY(disagreement(0) > 0);
    QCOMPARE(panel->currentRow(), rows.front());
}

void ReviewPanelTest::screenshot_whenRequested()
{
    QString out = qEnvironmentVariable("RANKER_REVIEW_SCREENSHOT");
    if (out.isEmpty())
        QSKIP("set RANKER_REVIEW_SCREENSHOT=FILE.png to write the screenshot");
    auto panel = shownPanel(copyOfSample());
    QVERIFY(panel);
    panel->resize(1440, 900);
    QWidget *keys = panel->findChild<QTableView *>(QStringLiteral("pairTable"));
    QTest::keyClick(keys, Qt::Key_1);
    QTest::keyClick(keys, Qt::Key_2);
    QTest::keyClick(keys, Qt::Key_Space);
    QTest::mouseClick(panel->findChild<QToolButton *>(QStringLiteral("checkButton")), Qt::LeftButton);
    panel->goToRow(35); // one of the sample's planted contradictions
    QTest::qWait(50);
    QVERIFY(panel->grab().save(out));
    QString help = qEnvironmentVariable("RANKER_REVIEW_HELP_SCREENSHOT");
    if (!help.isEmpty()) {
        QTest::keyClick(keys, Qt::Key_H);
        QVERIFY(panel->grab().save(help));
    }
}

QTEST_MAIN(ReviewPanelTest)
#include "tst_review_panel.moc"
