// The Train place's Sweep tab, driven by mouse and keys: a 3 × 3 sweep from the form finishes,
// its trials are ranked with the best marked, "Use best" fills the form, History shows the trials
// as one sweep with one best; a stopped sweep resumes without redoing the trials that finished.

#include "core/run_history.h"
#include "tests/ui/studiotestsupport.h"
#include "ui/history/runhistorypanel.h"
#include "ui/history/runtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/sweeppanel.h"

#include <QAbstractItemModel>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace ranker;

class StudioSweepTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void sweep3x3_finishesRankedUseBestFillsFormHistoryGroupsIt();
    void stoppedSweep_resumesWithoutRedoingFinishedTrials();
    void editor_countsTrialsAndRefusesBadValues();

private:
    QTemporaryDir m_dir;
    QString workspace() const { return m_dir.filePath(QStringLiteral("workspace")); }
};

namespace {

QTableWidget *paramsOf(ui::MainWindow &w)
{
    return w.findChild<QTableWidget *>(QStringLiteral("sweepParameters"));
}

/// Sets row `row` of the editor to `key` with `values`, by mouse and keys.
void setRow(ui::MainWindow &w, int row, const QString &key, const QString &values)
{
    QTableWidget *params = paramsOf(w);
    while (params->rowCount() <= row)
        QTest::mouseClick(w.findChild<QPushButton *>(QStringLiteral("sweepAddSetting")), Qt::LeftButton);
    auto *combo = qobject_cast<QComboBox *>(params->cellWidget(row, 0));
    combo->setCurrentIndex(combo->findText(key));
    auto *edit = qobject_cast<QLineEdit *>(params->cellWidget(row, 1));
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(edit, values);
}

QString statusText(ui::MainWindow &w)
{
    return w.findChild<QLabel *>(QStringLiteral("sweepStatus"))->text();
}

/// Trial index → status text, from the live table.
std::map<int, QString> trialStatuses(ui::MainWindow &w)
{
    std::map<int, QString> out;
    auto *t = w.findChild<QTableWidget *>(QStringLiteral("sweepTrials"));
    for (int row = 0; row < t->rowCount(); ++row)
        out[t->item(row, 1)->data(Qt::DisplayRole).toInt()] = t->item(row, 3)->text();
    return out;
}

} // namespace

void StudioSweepTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(!ui::SweepPanel::trainerPath().isEmpty(), "ranker-train not found for the trials");
}

void StudioSweepTest::init()
{
    test::resetStudioSettings(workspace());
}

void StudioSweepTest::editor_countsTrialsAndRefusesBadValues()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    auto *count = window->findChild<QLabel *>(QStringLiteral("sweepCount"));
    auto *start = window->findChild<QPushButton *>(QStringLiteral("sweepStart"));
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("sweepSeedGrid")), Qt::LeftButton);
    QVERIFY2(count->text().contains(QLatin1String("27 trials")), qPrintable(count->text()));
    QCOMPARE(paramsOf(*window)->rowCount(), 3);
    QVERIFY(start->isEnabled());
    setRow(*window, 1, QStringLiteral("batch_size"), QStringLiteral("16, x"));
    QVERIFY2(count->text().contains(QLatin1String("batch_size")), qPrintable(count->text()));
    QVERIFY(!start->isEnabled());
    setRow(*window, 1, QStringLiteral("learning_rate"), QStringLiteral("0.1"));
    QVERIFY2(count->text().contains(QLatin1String("two rows")), qPrintable(count->text()));
    QVERIFY(!start->isEnabled());
    setRow(*window, 1, QStringLiteral("dropout"), QStringLiteral("0:0.5"));
    QVERIFY(!start->isEnabled()); // a range needs a random search
    auto *random = window->findChild<QSpinBox *>(QStringLiteral("sweepRandomSpin"));
    test::setSpin(random, 5);
    QVERIFY2(count->text().contains(QLatin1String("5 trials")), qPrintable(count->text()));
    QVERIFY(start->isEnabled());
}

void StudioSweepTest::sweep3x3_finishesRankedUseBestFillsFormHistoryGroupsIt()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    test::setSpin(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin")), 4);
    auto *tabs = window->findChild<ui::SweepPanel *>(QStringLiteral("sweepPanel"));
    QVERIFY(tabs);
    setRow(*window, 0, QStringLiteral("learning_rate"), QStringLiteral("0.03, 0.003, 0.0003"));
    setRow(*window, 1, QStringLiteral("margin"), QStringLiteral("0.5, 1, 2"));
    auto *count = window->findChild<QLabel *>(QStringLiteral("sweepCount"));
    QVERIFY2(count->text().contains(QLatin1String("9 trials")), qPrintable(count->text()));

    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("sweepStart")), Qt::LeftButton);
    QVERIFY(tabs->isRunning());
    QVERIFY(!window->findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled()); // one job at a time
    QTRY_VERIFY_WITH_TIMEOUT(!tabs->isRunning(), 240000);
    QVERIFY2(statusText(*window).startsWith(QLatin1String("Finished 9 of 9")), qPrintable(statusText(*window)));
    for (const auto &[index, status] : trialStatuses(*window))
        QVERIFY2(status == QLatin1String("done"), qPrintable(QStringLiteral("trial %1: %2").arg(index).arg(status)));

    // Ranked best first; the best is starred and is the one with the highest figure.
    auto *trials = window->findChild<QTableWidget *>(QStringLiteral("sweepTrials"));
    QCOMPARE(trials->rowCount(), 9);
    QCOMPARE(trials->item(0, 0)->text(), QStringLiteral("★ 1"));
    for (int row = 1; row < 9; ++row)
        QVERIFY(!trials->item(row, 0)->text().contains(QStringLiteral("★")));
    const QString bestSettings = trials->item(0, 2)->data(Qt::UserRole).toString(); // "learning_rate=… margin=…"
    QVERIFY2(trials->item(0, 2)->text().startsWith(QLatin1String("lr ")), qPrintable(trials->item(0, 2)->text()));
    const QStringList parts = bestSettings.split(QLatin1Char(' '));
    QCOMPARE(parts.size(), 2);

    // Use best fills the form.
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("sweepUseBest")), Qt::LeftButton);
    const double lr = parts[0].section(QLatin1Char('='), 1).toDouble();
    const double margin = parts[1].section(QLatin1Char('='), 1).toDouble();
    QCOMPARE(window->findChild<QDoubleSpinBox *>(QStringLiteral("learningRateSpin"))->value(), lr);
    QCOMPARE(window->findChild<QDoubleSpinBox *>(QStringLiteral("marginSpin"))->value(), margin);
    QCOMPARE(window->findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->value(), 4); // the base's
    QVERIFY(window->findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled());

    // The sweep folder holds sweep.json and nine run folders; History lists them as one sweep,
    // one of them starred, and it is the best trial's folder.
    const QString folder = tabs->sweepFolder();
    QVERIFY(QFileInfo::exists(folder + QStringLiteral("/sweep.json")));
    window->setPlace(ui::MainWindow::HistoryPlace);
    auto *history = window->findChild<ui::RunHistoryPanel *>(QStringLiteral("historyPanel"));
    QTRY_COMPARE(history->runCount(), 9);
    auto *view = history->findChild<QTableView *>(QStringLiteral("runTable"));
    QVERIFY(view);
    QAbstractItemModel *model = view->model();
    // One row, closed, for the whole sweep: its best trial, starred; a click on it opens it.
    QTRY_COMPARE(model->rowCount(), 1);
    const QModelIndex lead = model->index(0, ui::RunTableModel::Group);
    QVERIFY2(lead.data().toString().startsWith(QStringLiteral("▸ ★ sweep ")) &&
                 lead.data().toString().endsWith(QStringLiteral("9 trials")),
             qPrintable(lead.data().toString()));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(lead).center());
    QCOMPARE(model->rowCount(), 9);
    QVERIFY(model->index(0, ui::RunTableModel::Group).data().toString().startsWith(QStringLiteral("▾ ★")));
    int starred = 0, inSweep = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString group = model->index(row, ui::RunTableModel::Group).data().toString();
        if (group.contains(QFileInfo(folder).fileName()))
            ++inSweep;
        if (group.contains(QStringLiteral("★"))) {
            ++starred;
            const QString runFolder = model->index(row, 0).data(ui::RunTableModel::FolderRole).toString();
            const nlohmann::json m = test::readJson(runFolder + QStringLiteral("/pairwise_ranker_metadata.json"));
            QCOMPARE(m.value("learning_rate", 0.0), lr);
            QCOMPARE(m.value("margin", 0.0), margin);
        }
    }
    QVERIFY2(inSweep == 9, qPrintable(QStringLiteral("%1 rows of sweep %2; first row's group: %3")
                                          .arg(inSweep)
                                          .arg(folder)
                                          .arg(model->index(0, ui::RunTableModel::Group).data().toString())));
    QCOMPARE(starred, 1);
}

void StudioSweepTest::stoppedSweep_resumesWithoutRedoingFinishedTrials()
{
    auto window = test::windowWithSample();
    QVERIFY(window);
    window->setPlace(ui::MainWindow::TrainPlace);
    auto *tabs = window->findChild<ui::SweepPanel *>(QStringLiteral("sweepPanel"));
    // Two short trials, then a long one: stopped while it runs.
    setRow(*window, 0, QStringLiteral("epochs"), QStringLiteral("1, 2, 800"));
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("sweepStart")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(trialStatuses(*window)[3].startsWith(QLatin1String("epoch")), 120000);
    const std::map<int, QString> before = trialStatuses(*window);
    QCOMPARE(before.at(1), QStringLiteral("done"));
    QCOMPARE(before.at(2), QStringLiteral("done"));
    const QString folder = tabs->sweepFolder();
    std::map<int, QDateTime> written;
    for (const QFileInfo &trial : QDir(folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (trial.fileName().startsWith(QLatin1String("trial-001")) ||
            trial.fileName().startsWith(QLatin1String("trial-002")))
            written[trial.fileName().mid(6, 3).toInt()] =
                QFileInfo(trial.filePath() + QStringLiteral("/pairwise_ranker_metadata.json")).lastModified();
    QVERIFY2(written.size() == 2, qPrintable(QDir(folder).entryList().join(QLatin1Char(' '))));

    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("sweepStop")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!tabs->isRunning(), 30000);
    QVERIFY2(statusText(*window).startsWith(QLatin1String("Stopped with 2 of 3")), qPrintable(statusText(*window)));
    auto *resume = window->findChild<QPushButton *>(QStringLiteral("sweepResume"));
    QVERIFY(resume->isEnabled());

    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY(tabs->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!tabs->isRunning(), 240000);
    QVERIFY2(statusText(*window).startsWith(QLatin1String("Finished 3 of 3")), qPrintable(statusText(*window)));
    // The two finished trials were not run again: their metadata is the one written before.
    for (const auto &[index, when] : written) {
        QDir dir(folder);
        const QStringList names = dir.entryList({QStringLiteral("trial-00%1*").arg(index)}, QDir::Dirs);
        QCOMPARE(names.size(), 1);
        QCOMPARE(QFileInfo(folder + QLatin1Char('/') + names.first() + QStringLiteral("/pairwise_ranker_metadata.json"))
                     .lastModified(),
                 when);
    }
    // The long trial ran to its end this time.
    const QStringList third = QDir(folder).entryList({QStringLiteral("trial-003*")}, QDir::Dirs);
    QCOMPARE(third.size(), 1);
    const nlohmann::json m =
        test::readJson(folder + QLatin1Char('/') + third.first() + QStringLiteral("/pairwise_ranker_metadata.json"));
    QCOMPARE(m.value("ended", std::string()), std::string("completed"));
    QCOMPARE(m.value("epochs_completed", 0), 800);
}

QTEST_MAIN(StudioSweepTest)
#include "tst_studio_sweep.moc"
