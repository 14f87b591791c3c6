// The Ranking place (issue 15): a run's model ranking beside the labels' Bradley–Terry fit, checked
// against the real ranker-rank and core's fit, driven through its widgets offscreen.
#include "../testsupport.h"
#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/label_document.h"
#include "core/labelling/bradley_terry.h"
#include "core/run_history.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/history/runhistorypanel.h"
#include "ui/mainwindow.h"
#include "ui/ranking/rankingmodel.h"
#include "ui/ranking/rankingview.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

using namespace ranker;
using ranker::ui::MainWindow;
using ranker::ui::RankingTableModel;
using ranker::ui::RankingView;

namespace {

/// One line of `ranker-rank --format csv`: rank, score, id (JSON), item_type (JSON).
struct RankedLine
{
    QString id;
    double score = 0;
};

QVector<RankedLine> runRankerRank(const QString &run, const QString &data)
{
    QProcess p;
    p.start(test::binaryPath("app/ranker-rank"), {QStringLiteral("--model"), run, QStringLiteral("--input"), data,
                                                  QStringLiteral("--format"), QStringLiteral("csv")});
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning("ranker-rank failed: %s", p.readAllStandardError().constData());
        return {};
    }
    QVector<RankedLine> lines;
    const QList<QByteArray> text = p.readAllStandardOutput().split('\n');
    for (qsizetype i = 1; i < text.size(); ++i) {
        const QList<QByteArray> fields = text[i].split(',');
        if (fields.size() < 4)
            continue;
        const nlohmann::json id = nlohmann::json::parse(fields[2].toStdString());
        lines.push_back({QString::fromStdString(id.get<std::string>()), fields[1].toDouble()});
    }
    return lines;
}

/// The text of `column` in every row the view shows, top to bottom.
QStringList columnTexts(RankingView *view, int column)
{
    QStringList out;
    const QAbstractItemModel *rows = view->shownRows();
    for (int r = 0; r < rows->rowCount(); ++r)
        out << rows->index(r, column).data().toString();
    return out;
}

QStringList shownIds(RankingView *view)
{
    QStringList out;
    const QAbstractItemModel *rows = view->shownRows();
    for (int r = 0; r < rows->rowCount(); ++r)
        out << rows->index(r, 0).data(RankingTableModel::ItemIdRole).toString();
    return out;
}

/// Picks the entry of `box` whose text starts with `prefix` with the keyboard, as a person does.
bool chooseWithKeys(QComboBox *box, const QString &prefix)
{
    int wanted = -1;
    for (int i = 0; i < box->count(); ++i)
        if (box->itemText(i).startsWith(prefix))
            wanted = i;
    if (wanted < 0)
        return false;
    box->setFocus();
    QTest::keyClick(box, Qt::Key_Home);
    for (int i = 0; i < wanted; ++i)
        QTest::keyClick(box, Qt::Key_Down);
    return box->currentIndex() == wanted;
}

} // namespace

class RankingViewTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void modelOrder_matchesRankerRank();
    void labelColumns_matchBradleyTerryFit();
    void disagreementFirst_largestRankDifferenceFirst();
    void typeFilter_showsOnlyThatType();
    void exportCsv_writesTheRowsShown();
    void doubleClickOrEnter_opensTheItemsPairsInReview();
    void historyShowRanking_opensThatRunsRanking();
    void runThatDoesNotFit_saysWhyAndKeepsTheLabels();
    void noDatasetAndNoRuns_sayWhatToDo();
    void itemNeverCompared_saysSo();
    void smallWindow_controlsInView();

private:
    /// A shown window with the synthetic dataset open and the Ranking place showing a ranking.
    std::unique_ptr<MainWindow> rankingWindow();
    RankingView *view(MainWindow *window) const
    {
        return window->findChild<RankingView *>(QStringLiteral("rankingView"));
    }

    QTemporaryDir m_dir;
    QString m_workspace, m_data, m_run;
};

void RankingViewTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    m_workspace = m_dir.filePath(QStringLiteral("workspace"));
    QVERIFY(QDir().mkpath(m_workspace + QStringLiteral("/runs")));
    // Three item types; ids such as it-1 and it-10 (one contains the other).
    m_data = m_dir.filePath(QStringLiteral("pairs.jsonl"));
    test::SyntheticOptions options;
    options.pairs = 300;
    options.items = 45;
    options.dim = 4;
    options.tieShare = 0.1;
    QCOMPARE(test::writeSyntheticDataset(m_data.toStdString(), options), 300);
    m_run = test::trainSmallRunWithCli(m_data, m_workspace + QStringLiteral("/runs/small"), 4);
    QVERIFY2(!readRunSummary(m_run.toStdString()).broken, qPrintable(m_run));
}

void RankingViewTest::init()
{
    test::resetStudioSettings(m_workspace);
}

std::unique_ptr<MainWindow> RankingViewTest::rankingWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    window->openDataset(m_data);
    if (!QTest::qWaitFor([&] { return window->dataset() && window->dataset()->path == m_data.toStdString(); }, 20000))
        return nullptr;
    QTest::keyClick(window.get(), Qt::Key_5, Qt::ControlModifier);
    RankingView *ranking = view(window.get());
    if (!ranking || !ranking->isVisible())
        return nullptr;
    if (!QTest::qWaitFor([&] { return ranking->result() && !ranking->isBusy(); }, 60000))
        return nullptr;
    return window;
}

void RankingViewTest::modelOrder_matchesRankerRank()
{
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    QCOMPARE(QDir::cleanPath(ranking->currentRun()), QDir::cleanPath(m_run));
    QVERIFY(ranking->result()->hasModel);
    // The headline names the run, and says the other ranking comes from the labels alone.
    const QString headline = window->findChild<QLabel *>(QStringLiteral("rankingHeadline"))->text();
    QVERIFY2(headline.contains(ranking->result()->runName) && headline.contains(QLatin1String("from run")),
             qPrintable(headline));
    QVERIFY2(headline.contains(QLatin1String("from the labels alone")), qPrintable(headline));

    QVERIFY(chooseWithKeys(window->findChild<QComboBox *>(QStringLiteral("rankingOrder")), QStringLiteral("By model")));
    const QVector<RankedLine> expected = runRankerRank(m_run, m_data);
    QCOMPARE(expected.size(), qsizetype(window->dataset()->items.size()));
    QStringList expectedIds;
    for (const RankedLine &line : expected)
        expectedIds << line.id;
    QCOMPARE(shownIds(ranking), expectedIds);
    const QStringList ranks = columnTexts(ranking, RankingTableModel::ModelRankColumn);
    const QAbstractItemModel *rows = ranking->shownRows();
    for (int r = 0; r < rows->rowCount(); ++r) {
        QCOMPARE(ranks[r], QString::number(r + 1));
        const double score =
            rows->index(r, RankingTableModel::ScoreColumn).data(RankingTableModel::SortRole).toDouble();
        QVERIFY2(std::fabs(score - expected[r].score) <= 5e-7, qPrintable(expected[r].id));
    }
}

void RankingViewTest::labelColumns_matchBradleyTerryFit()
{
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    const Dataset &ds = *window->dataset();
    const BradleyTerryFit fit = fitBradleyTerry(ds);
    // A click on the "Labels' rank" title sorts by it: the fit's ranking, strongest first.
    QHeaderView *header = window->findChild<QTableView *>(QStringLiteral("rankingTable"))->horizontalHeader();
    const int x = header->sectionViewportPosition(RankingTableModel::LabelRankColumn) +
                  header->sectionSize(RankingTableModel::LabelRankColumn) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(header->sortIndicatorSection(), int(RankingTableModel::LabelRankColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(window->findChild<QComboBox *>(QStringLiteral("rankingOrder"))->currentText(),
             QStringLiteral("By labels' rank"));
    QStringList expectedIds;
    for (int32_t item : fit.ranking())
        expectedIds << QString::fromStdString(ds.items[size_t(item)].id);
    QCOMPARE(shownIds(ranking), expectedIds);

    const QAbstractItemModel *rows = ranking->shownRows();
    for (int r = 0; r < rows->rowCount(); ++r) {
        const int item = rows->index(r, 0).data(RankingTableModel::ItemIndexRole).toInt();
        const BradleyTerryItem &b = fit.items[size_t(item)];
        QCOMPARE(rows->index(r, RankingTableModel::LabelRankColumn).data().toString(), QString::number(r + 1));
        QCOMPARE(rows->index(r, RankingTableModel::StrengthColumn).data(RankingTableModel::SortRole).toDouble(),
                 b.strength);
        QCOMPARE(rows->index(r, RankingTableModel::IntervalColumn).data(RankingTableModel::SortRole).toDouble(), b.low);
        QCOMPARE(rows->index(r, RankingTableModel::ComparisonsColumn).data().toString(),
                 QString::number(b.comparisons));
        QCOMPARE(rows->index(r, RankingTableModel::WinsColumn).data(RankingTableModel::SortRole).toDouble(), b.wins);
        const ui::RankingRow &row = ranking->result()->rows[item];
        QCOMPARE(row.high, b.high);
        QCOMPARE(row.stdError, b.stdError);
    }
}

void RankingViewTest::disagreementFirst_largestRankDifferenceFirst()
{
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    // The order it opens with.
    QCOMPARE(window->findChild<QComboBox *>(QStringLiteral("rankingOrder"))->currentText(),
             QStringLiteral("Disagreement first"));
    const QStringList model = columnTexts(ranking, RankingTableModel::ModelRankColumn);
    const QStringList labels = columnTexts(ranking, RankingTableModel::LabelRankColumn);
    QVERIFY(!model.isEmpty());
    QVector<int> differences;
    for (qsizetype r = 0; r < model.size(); ++r)
        differences << std::abs(model[r].toInt() - labels[r].toInt());
    QVERIFY(*std::max_element(differences.begin(), differences.end()) > 0);
    QCOMPARE(differences.front(), *std::max_element(differences.begin(), differences.end()));
    for (qsizetype r = 1; r < differences.size(); ++r) {
        QVERIFY2(differences[r - 1] >= differences[r], qPrintable(QStringLiteral("row %1").arg(r)));
        if (differences[r - 1] == differences[r])
            QVERIFY(labels[r - 1].toInt() < labels[r].toInt());
    }
    // The same order as `ranker-train bt --model` (core's compareWithModel).
    std::vector<double> scores(window->dataset()->items.size());
    for (const ui::RankingRow &row : ranking->result()->rows)
        scores[size_t(row.item)] = row.modelScore;
    QStringList expected;
    for (const RankComparison &c : compareWithModel(fitBradleyTerry(*window->dataset()), scores))
        expected << QString::fromStdString(window->dataset()->items[size_t(c.item)].id);
    QCOMPARE(shownIds(ranking), expected);
}

void RankingViewTest::typeFilter_showsOnlyThatType()
{
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    auto *types = window->findChild<QComboBox *>(QStringLiteral("rankingTypeFilter"));
    QCOMPARE(types->count(), 4); // all, profile_section, project, skill
    const std::map<std::string, int64_t> counts = window->dataset()->itemTypeCounts();
    QVERIFY(chooseWithKeys(types, QStringLiteral("skill")));
    const QStringList shown = columnTexts(ranking, RankingTableModel::TypeColumn);
    QCOMPARE(qint64(shown.size()), counts.at("skill"));
    for (const QString &type : shown)
        QCOMPARE(type, QStringLiteral("skill"));
    // Still the disagreement order within the type.
    const QStringList model = columnTexts(ranking, RankingTableModel::ModelRankColumn);
    const QStringList labels = columnTexts(ranking, RankingTableModel::LabelRankColumn);
    for (qsizetype r = 1; r < model.size(); ++r)
        QVERIFY(std::abs(model[r - 1].toInt() - labels[r - 1].toInt()) >=
                std::abs(model[r].toInt() - labels[r].toInt()));
    QVERIFY(chooseWithKeys(types, QStringLiteral("All")));
    QCOMPARE(ranking->shownRows()->rowCount(), int(window->dataset()->items.size()));
}

void RankingViewTest::exportCsv_writesTheRowsShown()
{
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    QVERIFY(
        chooseWithKeys(window->findChild<QComboBox *>(QStringLiteral("rankingTypeFilter")), QStringLiteral("project")));
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("ranking.csv"));
    bool answered = false;
    // The save dialog is modal: answer it from a timer, as a person would type the name.
    QTimer::singleShot(300, window.get(), [&] {
        auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        answered = true;
        // The file name field, as typed (selectFile() with another folder's path does not move it there).
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
        if (name)
            name->setText(path);
        else
            dialog->selectFile(path);
        static_cast<QDialog *>(dialog)->accept(); // QFileDialog::accept() is protected there
    });
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("rankingExportButton")), Qt::LeftButton);
    QVERIFY(answered);
    QVERIFY(QFileInfo::exists(path));
    // Written through a temporary file renamed into place: nothing else is left in the folder.
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("ranking.csv")});
    const CsvTable csv = parseCsv(readFile(path.toStdString()));
    const std::vector<std::string> header = {"model_rank",      "label_rank",
                                             "rank_difference", "id",
                                             "item_type",       "model_score",
                                             "bt_strength",     "bt_low",
                                             "bt_high",         "bt_std_error",
                                             "comparisons",     "wins",
                                             "compared",        "model_outside_interval"};
    QCOMPARE(csv.front(), header);
    const QStringList ids = shownIds(ranking);
    QCOMPARE(qsizetype(csv.size()), ids.size() + 1);
    const ui::RankingResultPtr result = ranking->result();
    for (qsizetype r = 0; r < ids.size(); ++r) {
        const std::vector<std::string> &line = csv[size_t(r + 1)];
        QCOMPARE(QString::fromStdString(line[3]), ids[r]);
        QCOMPARE(line[4], std::string("project"));
        const int item = ranking->shownRows()->index(int(r), 0).data(RankingTableModel::ItemIndexRole).toInt();
        const ui::RankingRow &row = result->rows[item];
        QCOMPARE(std::stoll(line[0]), row.modelRank);
        QCOMPARE(std::stoll(line[1]), row.labelRank);
        QCOMPARE(std::stoll(line[2]), std::llabs(row.modelRank - row.labelRank));
        // Numbers read back exactly.
        QCOMPARE(std::strtod(line[5].c_str(), nullptr), row.modelScore);
        QCOMPARE(std::strtod(line[6].c_str(), nullptr), row.strength);
        QCOMPARE(std::strtod(line[7].c_str(), nullptr), row.low);
        QCOMPARE(std::strtod(line[8].c_str(), nullptr), row.high);
        QCOMPARE(std::stoll(line[10]), row.comparisons);
        QCOMPARE(line[12], std::string("true"));
        QCOMPARE(line[13], std::string(row.outsideInterval ? "true" : "false"));
    }
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("rankingNotice"))->text().contains(QLatin1String("Wrote")));
}

void RankingViewTest::doubleClickOrEnter_opensTheItemsPairsInReview()
{
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    auto *table = window->findChild<QTableView *>(QStringLiteral("rankingTable"));
    auto *places = window->findChild<QTabWidget *>(QStringLiteral("places"));
    auto *review = window->findChild<ui::ReviewPanel *>(QStringLiteral("reviewPanel"));
    const Dataset &ds = *window->dataset();
    // The pairs of `id` as the Review place lists them: every one, and only those.
    auto checkReviewShows = [&](const QString &id) {
        QTRY_COMPARE(places->currentIndex(), int(MainWindow::ReviewPlace));
        QCOMPARE(window->findChild<QLineEdit *>(QStringLiteral("idFilter"))->text(),
                 QLatin1Char('"') + id + QLatin1Char('"'));
        int expected = 0;
        for (const Pair &p : ds.pairs)
            expected += ds.items[size_t(p.a)].id == id.toStdString() || ds.items[size_t(p.b)].id == id.toStdString();
        QVERIFY(expected > 0);
        QTRY_COMPARE_WITH_TIMEOUT(review->visibleRows().size(), expected, 20000);
        const LabelDocument &doc = review->document()->data();
        for (int row : review->visibleRows()) {
            const auto &r = doc.row(row);
            const std::string a = doc.dataset().items[size_t(r.a)].id, b = doc.dataset().items[size_t(r.b)].id;
            QVERIFY(a == id.toStdString() || b == id.toStdString());
        }
    };

    // it-1: an id that it-10 … it-19 contain; the Review place shows its own pairs only.
    const int row = int(shownIds(ranking).indexOf(QStringLiteral("it-1")));
    QVERIFY(row >= 0);
    const QModelIndex index = ranking->shownRows()->index(row, RankingTableModel::IdColumn);
    table->scrollTo(index);
    // A person's double-click: press, release, then the second press (the double-click event),
    // release; QTest::mouseDClick alone sends only the middle event to a widget.
    const QPoint at = table->visualRect(index).center();
    QSignalSpy doubleClicked(table, &QAbstractItemView::doubleClicked);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseRelease(table->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(doubleClicked.count(), 1);
    checkReviewShows(QStringLiteral("it-1"));
    if (QTest::currentTestFailed())
        return;

    // Back in Ranking: another row, Enter.
    QTest::keyClick(window.get(), Qt::Key_5, Qt::ControlModifier);
    QTRY_COMPARE(places->currentIndex(), int(MainWindow::RankingPlace));
    table->setFocus();
    const QModelIndex other = ranking->shownRows()->index(0, RankingTableModel::IdColumn);
    table->setCurrentIndex(other);
    const QString otherId = other.data(RankingTableModel::ItemIdRole).toString();
    QTest::keyClick(table, Qt::Key_Return);
    checkReviewShows(otherId);
}

void RankingViewTest::historyShowRanking_opensThatRunsRanking()
{
    // A second run, so that the one History picks is not simply the newest.
    const QString other = test::trainSmallRunWithCli(
        m_data, m_workspace + QStringLiteral("/runs/other"), 2,
        {QStringLiteral("--name"), QStringLiteral("other"), QStringLiteral("--seed"), QStringLiteral("5")});
    auto window = rankingWindow();
    QVERIFY(window);
    RankingView *ranking = view(window.get());
    window->setPlace(MainWindow::HistoryPlace);
    auto *history = window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"));
    QTRY_COMPARE(history->runCount(), 2);
    for (const QString &run : {m_run, other}) {
        window->setPlace(MainWindow::HistoryPlace);
        history->selectRuns({run});
        auto *show = window->findChild<QPushButton *>(QStringLiteral("showRankingButton"));
        QVERIFY(show->isEnabled());
        QTest::mouseClick(show, Qt::LeftButton);
        QCOMPARE(window->findChild<QTabWidget *>(QStringLiteral("places"))->currentIndex(),
                 int(MainWindow::RankingPlace));
        QCOMPARE(QDir::cleanPath(ranking->currentRun()), QDir::cleanPath(run));
        QTRY_VERIFY_WITH_TIMEOUT(!ranking->isBusy() && ranking->result() &&
                                     QDir::cleanPath(ranking->result()->runFolder) == QDir::cleanPath(run),
                                 60000);
        QVERIFY(ranking->result()->hasModel);
    }
    QVERIFY(QDir(other).removeRecursively());
}

void RankingViewTest::runThatDoesNotFit_saysWhyAndKeepsTheLabels()
{
    // The bundled sample has 32-value embeddings; the workspace's one run reads 4.
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(MainWindow::RankingPlace);
    RankingView *ranking = view(window.get());
    QTRY_VERIFY_WITH_TIMEOUT(ranking->result() && !ranking->isBusy(), 60000);
    const ui::RankingResultPtr result = ranking->result();
    QVERIFY(!result->hasModel);
    QVERIFY2(result->modelProblem.contains(QLatin1String("4-value")) &&
                 result->modelProblem.contains(QLatin1String("32-value")),
             qPrintable(result->modelProblem));
    auto *notice = window->findChild<QLabel *>(QStringLiteral("rankingNotice"));
    QVERIFY(notice->isVisible());
    QVERIFY2(notice->text().contains(result->modelProblem), qPrintable(notice->text()));
    // The labels' ranking is still shown, in its own order; the model's columns say they are empty.
    QCOMPARE(ranking->shownRows()->rowCount(), int(window->dataset()->items.size()));
    const QStringList labels = columnTexts(ranking, RankingTableModel::LabelRankColumn);
    for (qsizetype r = 0; r < labels.size(); ++r)
        QCOMPARE(labels[r], QString::number(r + 1));
    for (const QString &text : columnTexts(ranking, RankingTableModel::ModelRankColumn))
        QCOMPARE(text, QStringLiteral("–"));
    QVERIFY(
        !window->findChild<QLabel *>(QStringLiteral("rankingHeadline"))->text().contains(QLatin1String("from run")));
}

void RankingViewTest::noDatasetAndNoRuns_sayWhatToDo()
{
    QTemporaryDir empty;
    test::resetStudioSettings(empty.filePath(QStringLiteral("workspace")));
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    RankingView *ranking = view(&window);
    QVERIFY(ranking->isVisible());
    QVERIFY(!ranking->result());
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("rankingHeadline"))
                ->text()
                .contains(QLatin1String("Open a dataset")));
    QVERIFY(!window.findChild<QPushButton *>(QStringLiteral("rankingExportButton"))->isEnabled());

    // A dataset, no run: the labels' ranking alone, and how to get the model's.
    window.openDataset(m_data);
    QTRY_VERIFY_WITH_TIMEOUT(window.dataset() != nullptr, 20000);
    window.setPlace(MainWindow::RankingPlace);
    QTRY_VERIFY_WITH_TIMEOUT(ranking->result() && !ranking->isBusy(), 60000);
    QVERIFY(!ranking->result()->hasModel);
    QVERIFY(ranking->result()->modelProblem.isEmpty());
    auto *runs = window.findChild<QComboBox *>(QStringLiteral("rankingRunBox"));
    QVERIFY(!runs->isEnabled());
    const QString notice = window.findChild<QLabel *>(QStringLiteral("rankingNotice"))->text();
    QVERIFY2(notice.contains(QLatin1String("No trained run")) && notice.contains(QLatin1String("Train place")),
             qPrintable(notice));
    QCOMPARE(window.findChild<QComboBox *>(QStringLiteral("rankingOrder"))->currentText(),
             QStringLiteral("Disagreement first"));
    const QStringList labels = columnTexts(ranking, RankingTableModel::LabelRankColumn);
    QCOMPARE(labels.size(), qsizetype(window.dataset()->items.size()));
    for (qsizetype r = 0; r < labels.size(); ++r)
        QCOMPARE(labels[r], QString::number(r + 1));
}

void RankingViewTest::itemNeverCompared_saysSo()
{
    // A dataset loader never gives one (every item comes from a pair), but an item list could.
    auto result = std::make_shared<ui::RankingResult>();
    result->priorSd = 3;
    result->compared = 1;
    result->hasModel = true;
    ui::RankingRow compared;
    compared.id = QStringLiteral("a");
    compared.comparisons = 2;
    compared.labelRank = 1;
    compared.modelRank = 2;
    compared.difference = 0;
    ui::RankingRow lonely;
    lonely.item = 1;
    lonely.id = QStringLiteral("b");
    lonely.modelRank = 1;
    lonely.low = -5.88;
    lonely.high = 5.88;
    result->rows = {compared, lonely};
    RankingTableModel model;
    model.setResult(result);
    QCOMPARE(model.index(1, RankingTableModel::LabelRankColumn).data().toString(), QStringLiteral("not compared"));
    QVERIFY(model.index(1, RankingTableModel::StrengthColumn).data().toString().contains(QLatin1String("prior")));
    QCOMPARE(model.index(1, RankingTableModel::DifferenceColumn).data().toString(), QStringLiteral("–"));
    QVERIFY(
        model.index(1, RankingTableModel::IdColumn).data(Qt::ToolTipRole).toString().contains(QLatin1String("prior")));
    // Sorted by the labels' rank or by disagreement, it goes last, whichever the direction.
    ui::RankingFilterModel proxy;
    proxy.setSourceModel(&model);
    for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        proxy.sort(RankingTableModel::LabelRankColumn, order);
        QCOMPARE(proxy.index(1, 0).data(RankingTableModel::ItemIdRole).toString(), QStringLiteral("b"));
        proxy.sort(RankingTableModel::DifferenceColumn, order);
        QCOMPARE(proxy.index(1, 0).data(RankingTableModel::ItemIdRole).toString(), QStringLiteral("b"));
    }
}

void RankingViewTest::smallWindow_controlsInView()
{
    auto window = rankingWindow();
    QVERIFY(window);
    window->resize(1024, 640);
    QTest::qWait(50);
    QCOMPARE(window->size(), QSize(1024, 640));
    auto inside = [&window](QWidget *w) {
        const QRect r(w->mapTo(window.get(), QPoint(0, 0)), w->size());
        return w->isVisible() && window->rect().contains(r) && w->width() >= w->minimumSizeHint().width();
    };
    for (const char *name :
         {"rankingRunBox", "rankingTypeFilter", "rankingOrder", "rankingExportButton", "rankingTable", "rankingHint"})
        QVERIFY2(inside(window->findChild<QWidget *>(QLatin1String(name))), name);
    auto *table = window->findChild<QTableView *>(QStringLiteral("rankingTable"));
    QVERIFY(table->height() >= 8 * table->verticalHeader()->defaultSectionSize());
}

QTEST_MAIN(RankingViewTest)
#include "tst_ranking_view.moc"
