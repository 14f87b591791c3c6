// The Dataset place: opening files, what the charts and tables show, bad files, cancelling.
#include "core/dataset.h"
#include "tests/testsupport.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/datasetloader.h"
#include "ui/datasetpanel.h"
#include "ui/mainwindow.h"
#include "ui/pairstablemodel.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace ranker;

class DatasetPanelTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void openSample_labelChartEqualsLabelCounts();
    void openSample_fillsEmbeddingDimFromData();
    void detectEmbeddingDim_data();
    void detectEmbeddingDim();
    void pairsTable_filtersAndSorts();
    void fileWithBadLine_listsItAndShowsTheLine();
    void badFile_showsDiagnosticsAndKeepsPreviousDataset();
    void missingFile_showsErrorAndKeepsPreviousDataset();
    void cancelLoad_keepsPreviousDataset();
    void recentFiles_rememberOpenedFile();
    void dropFile_opensIt();
    void embeddingsFile_resolvesItemsWithOnlyAnId();
    void advice_smallOrUnbalanced();

private:
    QTemporaryDir m_dir;
};

void DatasetPanelTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
}

void DatasetPanelTest::init()
{
    test::resetStudioSettings(m_dir.filePath(QStringLiteral("workspace")));
}

void DatasetPanelTest::openSample_labelChartEqualsLabelCounts()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    const ui::DatasetPtr ds = window->dataset();
    QVERIFY(ds->pairs.size() >= 200);

    auto *view = window->findChild<QChartView *>(QStringLiteral("labelChart"));
    QVERIFY(view);
    QCOMPARE(view->chart()->series().size(), 1);
    auto *series = qobject_cast<QBarSeries *>(view->chart()->series().first());
    QVERIFY(series);
    QCOMPARE(series->barSets().size(), 1);
    QBarSet *bars = series->barSets().first();
    QCOMPARE(bars->count(), 3);
    QCOMPARE(qint64(bars->at(0)), ds->labelCount(-1));
    QCOMPARE(qint64(bars->at(1)), ds->labelCount(0));
    QCOMPARE(qint64(bars->at(2)), ds->labelCount(1));

    auto *types = window->findChild<QChartView *>(QStringLiteral("itemTypeChart"));
    auto *typeSeries = qobject_cast<QAbstractBarSeries *>(types->chart()->series().first());
    double items = 0;
    for (int i = 0; i < typeSeries->barSets().first()->count(); ++i)
        items += typeSeries->barSets().first()->at(i);
    QCOMPARE(qint64(items), qint64(ds->items.size()));

    auto *table = window->findChild<QTableView *>(QStringLiteral("pairsTable"));
    QCOMPARE(table->model()->rowCount(), int(ds->pairs.size()));
    auto *summary = window->findChild<QLabel *>(QStringLiteral("datasetSummary"));
    QVERIFY(summary->text().contains(QString::number(ds->items.size())));
}

void DatasetPanelTest::openSample_fillsEmbeddingDimFromData()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    QCOMPARE(window->dataset()->embeddingDim, 32);
    auto *dim = window->findChild<QSpinBox *>(QStringLiteral("embeddingDimSpin"));
    QCOMPARE(dim->value(), 32);
}

void DatasetPanelTest::detectEmbeddingDim_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("dim");
    QTest::newRow("pair") << QByteArray(
                                 R"({"item_a": {"id": 1, "embedding": [1, 2, 3]}, "item_b": {"id": 2}, "label": 1})")
                          << 3;
    QTest::newRow("only-b-has-one")
        << QByteArray(R"({"item_a": {"id": 1}, "item_b": {"id": 2, "embedding": [1, 2]}, "label": 1})") << 2;
    QTest::newRow("after-bad-line")
        << QByteArray("{oops\n\n"
                      R"({"item_a": {"id": 1, "embedding": [0.5]}, "item_b": {"id": 2}, "label": 0})")
        << 1;
    QTest::newRow("no-embedding")
        << QByteArray(R"({"item_a": {"id": 1, "embedding_id": "e1"}, "item_b": {"id": 2}, "label": 1})") << 0;
}

void DatasetPanelTest::detectEmbeddingDim()
{
    QFETCH(QByteArray, content);
    QFETCH(int, dim);
    const QString path = m_dir.filePath(QStringLiteral("detect.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content + "\n");
    f.close();
    QCOMPARE(ui::detectEmbeddingDim(path), dim);
}

void DatasetPanelTest::pairsTable_filtersAndSorts()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::DatasetPlace);
    auto *table = window->findChild<QTableView *>(QStringLiteral("pairsTable"));
    auto *filter = window->findChild<QLineEdit *>(QStringLiteral("pairsFilter"));
    const int all = table->model()->rowCount();
    QTest::keyClicks(filter, QStringLiteral("skill"));
    const int filtered = table->model()->rowCount();
    QVERIFY(filtered > 0);
    QVERIFY(filtered < all);
    for (int r = 0; r < filtered; ++r) {
        const QString a = table->model()->index(r, ui::PairsTableModel::TypeAColumn).data().toString();
        const QString b = table->model()->index(r, ui::PairsTableModel::TypeBColumn).data().toString();
        const QString ids = table->model()->index(r, ui::PairsTableModel::ItemAColumn).data().toString() +
                            table->model()->index(r, ui::PairsTableModel::ItemBColumn).data().toString();
        QVERIFY(a.contains(QLatin1String("skill")) || b.contains(QLatin1String("skill")) ||
                ids.contains(QLatin1String("skill")));
    }
    // The count says a filter is set: "N of M shown", and "No pair matches" when none does.
    auto *count = window->findChild<QLabel *>(QStringLiteral("pairsFilterCount"));
    QVERIFY(count);
    QCOMPARE(count->text(), QStringLiteral("%1 of %2 shown").arg(filtered).arg(all));
    QTest::keyClicks(filter, QStringLiteral("zz-no-such-item"));
    QCOMPARE(table->model()->rowCount(), 0);
    QVERIFY2(count->text().contains(QLatin1String("No pair matches")), qPrintable(count->text()));
    filter->clear();
    QCOMPARE(table->model()->rowCount(), all);
    QVERIFY(count->text().isEmpty());

    // A filter set on one file does not carry over to the next: another file opens unfiltered.
    QTest::keyClicks(filter, QStringLiteral("zz-no-such-item"));
    const QString other = m_dir.filePath(QStringLiteral("other.jsonl"));
    QFile::remove(other);
    QVERIFY(QFile::copy(QString::fromStdString(window->dataset()->path), other));
    window->openDataset(other);
    QTRY_VERIFY_WITH_TIMEOUT(QString::fromStdString(window->dataset()->path).endsWith(QLatin1String("other.jsonl")),
                             20000);
    QVERIFY(filter->text().isEmpty());
    QCOMPARE(table->model()->rowCount(), all);
    QVERIFY(count->text().isEmpty());

    // Sort by label with a click on the header (ascending), then by line again.
    const int labelX = table->horizontalHeader()->sectionViewportPosition(ui::PairsTableModel::LabelColumn) + 5;
    QTest::mouseClick(table->horizontalHeader()->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(labelX, 5));
    QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(ui::PairsTableModel::LabelColumn));
    int previous = -2;
    for (int r = 0; r < all; ++r) {
        const int label =
            table->model()->index(r, ui::PairsTableModel::LabelColumn).data(ui::PairsTableModel::SortRole).toInt();
        QVERIFY(label >= previous);
        previous = label;
    }
    table->horizontalHeader()->setSortIndicator(ui::PairsTableModel::LabelColumn, Qt::DescendingOrder);
    previous = 2;
    for (int r = 0; r < all; ++r) {
        const int label =
            table->model()->index(r, ui::PairsTableModel::LabelColumn).data(ui::PairsTableModel::SortRole).toInt();
        QVERIFY(label <= previous);
        previous = label;
    }
    table->horizontalHeader()->setSortIndicator(ui::PairsTableModel::LineColumn, Qt::AscendingOrder);
    QCOMPARE(table->model()->index(0, ui::PairsTableModel::LineColumn).data().toLongLong(), 1);
    QCOMPARE(table->model()->index(all - 1, ui::PairsTableModel::LineColumn).data().toLongLong(),
             qlonglong(window->dataset()->pairs.back().line));
}

void DatasetPanelTest::fileWithBadLine_listsItAndShowsTheLine()
{
    // The sample's first three lines, then a bad one at line 4.
    QFile sample(ui::MainWindow::sampleDatasetPath());
    QVERIFY(sample.open(QIODevice::ReadOnly));
    QByteArray content;
    for (int i = 0; i < 3; ++i)
        content += sample.readLine();
    content += R"({"item_a": {"id": "x"}, "item_b": {"id": "y"}, "label": 5})"
               "\n";
    const QString path = m_dir.filePath(QStringLiteral("one-bad-line.jsonl"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write(content);
    out.close();

    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openDataset(path);
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() != nullptr, 20000);
    QCOMPARE(window.dataset()->pairs.size(), size_t(3));
    auto *skipped = window.findChild<QListWidget *>(QStringLiteral("skippedLines"));
    QCOMPARE(skipped->count(), 1);
    QVERIFY(skipped->item(0)->text().contains(QLatin1String("Line 4")));
    skipped->setCurrentRow(0); // jump to the line
    auto *viewer = window.findChild<QPlainTextEdit *>(QStringLiteral("lineViewer"));
    QTRY_VERIFY(viewer->toPlainText().contains(QLatin1String("\"label\": 5")));
    QVERIFY(viewer->toPlainText().contains(QLatin1String("Line 4")));
}

void DatasetPanelTest::badFile_showsDiagnosticsAndKeepsPreviousDataset()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    const ui::DatasetPtr before = window->dataset();
    const QString bad = m_dir.filePath(QStringLiteral("bad.jsonl"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("{\"item_a\": {\"id\": 1}, \"item_b\": {\"id\": 2}, \"label\": 7}\n{not json\n");
    f.close();

    QSignalSpy failed(window->loader(), &ui::DatasetLoader::failed);
    window->openDataset(bad);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 20000);
    auto *banner = window->findChild<QWidget *>(QStringLiteral("loadErrorBanner"));
    QVERIFY(banner->isVisible());
    auto *diagnostics = window->findChild<QListWidget *>(QStringLiteral("loadDiagnostics"));
    QCOMPARE(diagnostics->count(), 2);
    QVERIFY(diagnostics->item(0)->text().startsWith(QLatin1String("line 1:")));
    QVERIFY(diagnostics->item(1)->text().startsWith(QLatin1String("line 2:")));
    // The previous dataset stays, in the window and in every panel.
    QCOMPARE(window->dataset(), before);
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("datasetTitle"))
                ->text()
                .contains(QLatin1String("sample_pairs.jsonl")));
    QCOMPARE(window->findChild<QTableView *>(QStringLiteral("pairsTable"))->model()->rowCount(),
             int(before->pairs.size()));
    QVERIFY(window->findChild<QWidget *>(QStringLiteral("trainButton"))->isEnabled());
}

void DatasetPanelTest::missingFile_showsErrorAndKeepsPreviousDataset()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    const ui::DatasetPtr before = window->dataset();
    window->openDataset(m_dir.filePath(QStringLiteral("does-not-exist.jsonl")));
    auto *error = window->findChild<QLabel *>(QStringLiteral("loadError"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 20000);
    QVERIFY(error->text().contains(QLatin1String("does-not-exist.jsonl")));
    QCOMPARE(window->dataset(), before);
}

void DatasetPanelTest::cancelLoad_keepsPreviousDataset()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    const ui::DatasetPtr before = window->dataset();
    // Cancel as soon as the load starts: the flag is set before the worker reads a byte.
    connect(window->loader(), &ui::DatasetLoader::started, window.get(), [&] {
        QTest::mouseClick(window->findChild<QWidget *>(QStringLiteral("cancelLoadButton")), Qt::LeftButton);
    });
    QSignalSpy cancelled(window->loader(), &ui::DatasetLoader::cancelled);
    QSignalSpy loaded(window->loader(), &ui::DatasetLoader::loaded);
    const QString copy = m_dir.filePath(QStringLiteral("copy.jsonl"));
    QFile::remove(copy);
    QVERIFY(QFile::copy(ui::MainWindow::sampleDatasetPath(), copy));
    window->openDataset(copy);
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), 1, 20000);
    QCOMPARE(loaded.size(), 0);
    QCOMPARE(window->dataset(), before);
    QVERIFY(!window->findChild<QWidget *>(QStringLiteral("loadBar"))->isVisible());
}

void DatasetPanelTest::recentFiles_rememberOpenedFile()
{
    {
        auto window = test::windowWithSample();
        QVERIFY(window);
        window->close();
    }
    ui::MainWindow window;
    const QString sample = ui::MainWindow::sampleDatasetPath();
    QCOMPARE(window.settings()->lastDataset, sample);
    QVERIFY(window.settings()->recentFiles.contains(sample));
    auto *recent = window.findChild<QMenu *>(QStringLiteral("menuRecent"));
    QVERIFY(recent->actions().size() >= 1);
    QVERIFY(recent->actions().first()->text().contains(QLatin1String("sample_pairs.jsonl")));
}

void DatasetPanelTest::dropFile_opensIt()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(ui::MainWindow::sampleDatasetPath())});
    const QPoint at = window.rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() != nullptr, 20000);
    QCOMPARE(QString::fromStdString(window.dataset()->path), ui::MainWindow::sampleDatasetPath());
}

void DatasetPanelTest::embeddingsFile_resolvesItemsWithOnlyAnId()
{
    const QString data = m_dir.filePath(QStringLiteral("by-id.jsonl"));
    const QString embeddings = m_dir.filePath(QStringLiteral("embeddings.jsonl"));
    QFile f(data);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"item_a": {"id": "a", "embedding_id": "ea"}, "item_b": {"id": "b", "embedding_id": "eb"}, "label": 1})"
            "\n"
            R"({"item_a": {"id": "b", "embedding_id": "eb"}, "item_b": {"id": "c", "embedding_id": "ec"}, "label": -1})"
            "\n");
    f.close();
    QFile e(embeddings);
    QVERIFY(e.open(QIODevice::WriteOnly | QIODevice::Truncate));
    e.write("{\"id\": \"ea\", \"embedding\": [1, 2, 3]}\n{\"id\": \"eb\", \"embedding\": [0, 1, 0]}\n"
            "{\"id\": \"ec\", \"embedding\": [3, 2, 1]}\n");
    e.close();

    ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openDataset(data, 0, embeddings);
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() != nullptr, 20000);
    QCOMPARE(window.dataset()->embeddingDim, 3); // detected from the embeddings file
    QCOMPARE(window.dataset()->itemsResolvedFromEmbeddingsFile, int64_t(3));
    QCOMPARE(window.dataset()->itemsWithoutEmbedding, int64_t(0));
    QCOMPARE(window.embeddingsPath(), embeddings);
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("embeddingsFileLabel"))
                ->text()
                .contains(QLatin1String("embeddings.jsonl")));
}

void DatasetPanelTest::advice_smallOrUnbalanced()
{
    const QString path = m_dir.filePath(QStringLiteral("small.jsonl"));
    test::SyntheticOptions options;
    options.pairs = 50;
    options.dim = 4;
    test::writeSyntheticDataset(path.toStdString(), options);
    LoadOptions load;
    load.embeddingDim = 4;
    const Dataset ds = loadDataset(path.toStdString(), load);
    const QStringList advice = ui::DatasetPanel::adviceFor(ds);
    QVERIFY(!advice.isEmpty());
    QVERIFY(advice.first().contains(QStringLiteral("100–200")));

    auto window = test::windowWithSample();
    QVERIFY(window);
    QVERIFY(ui::DatasetPanel::adviceFor(*window->dataset()).isEmpty() ||
            window->findChild<QLabel *>(QStringLiteral("datasetAdvice"))->isVisible());
}

QTEST_MAIN(DatasetPanelTest)
#include "tst_studio_dataset.moc"
