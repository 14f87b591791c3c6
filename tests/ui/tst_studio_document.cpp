// One dataset, one document (issue 13): the window reads a file once, the Review place edits the
// dataset the Dataset place shows, and a save updates that dataset in memory instead of reading
// the file again. Reads are counted by the bytes the process read (/proc/self/io's rchar).
#include "core/dataset.h"
#include "core/label_document.h"
#include "tests/testsupport.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/datasetpanel.h"
#include "ui/mainwindow.h"
#include "ui/pairstablemodel.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace ranker;

namespace {

/// Bytes this process has read through read(2) and friends so far.
qint64 bytesRead()
{
    QFile io(QStringLiteral("/proc/self/io"));
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : io.readAll().split('\n'))
        if (line.startsWith("rchar:"))
            return line.mid(6).trimmed().toLongLong();
    return -1;
}

} // namespace

class StudioDocumentTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        test::resetStudioSettings(m_dir.filePath(QStringLiteral("workspace")));
        test::WorldOptions world;
        world.items = 400;
        world.pairs = 4000;
        world.dim = 32;
        m_path = m_dir.filePath(QStringLiteral("pairs.jsonl"));
        test::writeWorldDataset(m_path.toStdString(), world);
        m_bytes = QFileInfo(m_path).size();
        QVERIFY(m_bytes > 1000000);
    }
    void openAndReview_readTheFileOnce();
    void saveInReview_updatesEveryPlaceWithoutReading();

private:
    std::unique_ptr<ui::MainWindow> windowOnTheFile(ui::ReviewPanel **review);

    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_bytes = 0;
};

std::unique_ptr<ui::MainWindow> StudioDocumentTest::windowOnTheFile(ui::ReviewPanel **review)
{
    auto window = std::make_unique<ui::MainWindow>();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    *review = window->findChild<ui::ReviewPanel *>(QStringLiteral("reviewPanel"));
    return window;
}

void StudioDocumentTest::openAndReview_readTheFileOnce()
{
    ui::ReviewPanel *review = nullptr;
    auto window = windowOnTheFile(&review);
    QVERIFY(window && review);
    QSignalSpy opened(review, &ui::ReviewPanel::fileOpened);
    const qint64 before = bytesRead();
    QVERIFY(before >= 0);
    window->openDataset(m_path);
    QTRY_VERIFY_WITH_TIMEOUT(window->dataset() != nullptr, 30000);
    window->setPlace(ui::MainWindow::ReviewPlace);
    QVERIFY(opened.wait(30000) || opened.size() == 1);
    const qint64 read = bytesRead() - before;
    qInfo("opening %lld bytes in the Dataset and Review places read %lld bytes (%.2f× the file)", m_bytes, read,
          double(read) / double(m_bytes));
    QVERIFY2(read >= m_bytes, "the file was not read at all?");
    // Once: the Dataset place's reading serves the Review place (it was three times).
    QVERIFY2(read < m_bytes + m_bytes / 2, qPrintable(QString::number(read)));
    // And both places show the very same dataset.
    QCOMPARE(review->document()->data().sharedDataset().get(), window->dataset().get());
    QCOMPARE(review->document()->data().rowCount(), int32_t(window->dataset()->pairs.size()));
}

void StudioDocumentTest::saveInReview_updatesEveryPlaceWithoutReading()
{
    QFile::copy(m_path, m_dir.filePath(QStringLiteral("edited.jsonl")));
    const QString path = m_dir.filePath(QStringLiteral("edited.jsonl"));
    ui::ReviewPanel *review = nullptr;
    auto window = windowOnTheFile(&review);
    QVERIFY(window && review);
    QSignalSpy opened(review, &ui::ReviewPanel::fileOpened);
    window->openDataset(path);
    QTRY_VERIFY_WITH_TIMEOUT(window->dataset() != nullptr, 30000);
    window->setPlace(ui::MainWindow::ReviewPlace);
    QVERIFY(opened.wait(30000) || opened.size() == 1);

    // The first pair relabelled with the keys, as a person would, and saved with Ctrl+S.
    auto *pairs = review->findChild<QTableView *>(QStringLiteral("pairTable"));
    QVERIFY(pairs);
    pairs->setFocus();
    pairs->selectRow(0);
    const LabelDocument &doc = review->document()->data();
    const int was = doc.row(0).label;
    QTest::keyClick(pairs, was == 1 ? Qt::Key_2 : Qt::Key_1);
    const int now = doc.row(0).label;
    QVERIFY(now != was);
    const qint64 before = bytesRead();
    QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
    QTRY_VERIFY(!review->hasUnsavedChanges());
    QCoreApplication::processEvents();
    const qint64 read = bytesRead() - before;
    qInfo("saving read %lld bytes (%.2f× the file)", read, double(read) / double(m_bytes));
    // The save copies the untouched lines (one read); nothing parses the file again.
    QVERIFY2(read < m_bytes + m_bytes / 2, qPrintable(QString::number(read)));
    QVERIFY(doc.datasetMatchesFile());
    QCOMPARE(window->dataset().get(), doc.sharedDataset().get());
    QCOMPARE(int(window->dataset()->pairs[0].label), now);
    QCOMPARE(window->dataset()->sha256, doc.dataset().sha256);
    // The Dataset place's table shows the new label; its banner does not call the file changed.
    auto *datasetPanel = window->findChild<ui::DatasetPanel *>();
    QCOMPARE(datasetPanel->dataset().get(), doc.sharedDataset().get());
    auto *table = datasetPanel->findChild<QTableView *>(QStringLiteral("pairsTable"));
    bool shown = false;
    for (int row = 0; row < table->model()->rowCount() && !shown; ++row) {
        const QModelIndex index = table->model()->index(row, ui::PairsTableModel::LabelColumn);
        if (table->model()->index(row, ui::PairsTableModel::LineColumn).data(Qt::DisplayRole).toString() ==
            QLatin1String("1"))
            shown = index.data(ui::PairsTableModel::LabelRole).toInt() == now;
    }
    QVERIFY2(shown, "the Dataset place does not show the saved label of line 1");
    // (isVisibleTo: the Review place is in front, so the banner is hidden from the window anyway.)
    QVERIFY(!datasetPanel->findChild<QWidget *>(QStringLiteral("fileNoticeBanner"))->isVisibleTo(datasetPanel));
    // What the window holds is what reading the file gives.
    LoadOptions options;
    options.embeddingDim = window->dataset()->embeddingDim;
    const Dataset reread = loadDataset(path.toStdString(), options);
    QCOMPARE(reread.labelCount(now), window->dataset()->labelCount(now));
    QCOMPARE(reread.pairs.size(), window->dataset()->pairs.size());

    // Removing the pair where an item first appears changes the items' order: the window reads
    // the file again, and both places still agree.
    pairs->selectRow(0); // line 1: both its items first appear there
    QTest::keyClick(pairs, Qt::Key_Delete);
    QTRY_VERIFY(review->hasUnsavedChanges());
    QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
    QTRY_VERIFY(!review->hasUnsavedChanges());
    QVERIFY(!doc.datasetMatchesFile());
    QTRY_VERIFY_WITH_TIMEOUT(window->dataset()->pairs.size() == size_t(doc.liveRowCount()) &&
                                 window->dataset()->sha256 == doc.dataset().sha256,
                             30000);
}

QTEST_MAIN(StudioDocumentTest)
#include "tst_studio_document.moc"
