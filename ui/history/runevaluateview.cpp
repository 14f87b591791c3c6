#include "ui/history/runevaluateview.h"

#include "ui/numberformat.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace ranker::ui {

namespace {

QTableWidgetItem *cell(const QString &text, bool number = false)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget *makeTable(const QString &objectName, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSortingEnabled(false);
    return table;
}

} // namespace

RunEvaluateView::RunEvaluateView(HistorySettings *settings, QWidget *parent) : QWidget(parent), m_settings(settings)
{
    m_runLabel = new QLabel(tr("Select a run in the list."), this);
    m_runLabel->setObjectName(QStringLiteral("evalRunLabel"));
    m_runLabel->setTextFormat(Qt::RichText);
    m_dataset = new QLineEdit(m_settings->lastEvaluationDataset, this);
    m_dataset->setObjectName(QStringLiteral("evalDatasetEdit"));
    m_dataset->setPlaceholderText(tr("JSONL dataset of pairs (or of items, to rank)"));
    m_dataset->setClearButtonEnabled(true);
    m_browse = new QPushButton(tr("Browse…"), this);
    m_browse->setObjectName(QStringLiteral("evalBrowseButton"));
    m_useTraining = new QPushButton(tr("Training data"), this);
    m_useTraining->setObjectName(QStringLiteral("evalUseTrainingButton"));
    m_useTraining->setToolTip(tr("Use the dataset this run was trained on"));
    m_evaluate = new QPushButton(tr("Evaluate"), this);
    m_evaluate->setObjectName(QStringLiteral("evaluateButton"));
    m_rank = new QPushButton(tr("Rank items"), this);
    m_rank->setObjectName(QStringLiteral("rankItemsButton"));
    m_rank->setToolTip(tr("Score every item of the file with this run's model, best first"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("evalStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_overall = new QLabel(this);
    m_overall->setObjectName(QStringLiteral("evalOverall"));
    m_overall->setTextFormat(Qt::RichText);
    m_overall->setWordWrap(true);

    m_byType =
        makeTable(QStringLiteral("evalByTypeTable"),
                  {tr("Slice"), tr("Pairs"), tr("Decisive"), tr("Accuracy"), tr("Ties"), tr("Tie agreement")}, this);
    m_confusion = makeTable(QStringLiteral("evalConfusionTable"),
                            {tr("Predicted: B preferred"), tr("Predicted: equal"), tr("Predicted: A preferred")}, this);
    m_confusion->setRowCount(3);
    m_confusion->verticalHeader()->show();
    m_confusion->setVerticalHeaderLabels({tr("Label −1 (B)"), tr("Label 0 (tie)"), tr("Label 1 (A)")});
    m_confusion->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_mostWrong = makeTable(QStringLiteral("evalMostWrongTable"),
                            {tr("Line"), tr("Item A"), tr("Item B"), tr("Label"), tr("Score A − B")}, this);
    m_mostWrong->horizontalHeader()->setStretchLastSection(false);
    m_ranking = makeTable(QStringLiteral("rankTable"),
                          {tr("Rank"), tr("Score"), tr("Id"), tr("Item type"), tr("Reference")}, this);
    m_results = new QTabWidget(this);
    m_results->setObjectName(QStringLiteral("evalResultTabs"));
    auto *evalPage = new QWidget(this);
    auto *evalGrid = new QGridLayout(evalPage);
    evalGrid->addWidget(m_overall, 0, 0, 1, 2);
    evalGrid->addWidget(new QLabel(tr("<b>By item type and reason tag</b>"), evalPage), 1, 0);
    evalGrid->addWidget(new QLabel(tr("<b>Label × predicted side</b>"), evalPage), 1, 1);
    evalGrid->addWidget(m_byType, 2, 0);
    evalGrid->addWidget(m_confusion, 2, 1);
    evalGrid->addWidget(new QLabel(tr("<b>Most wrong pairs</b>"), evalPage), 3, 0, 1, 2);
    evalGrid->addWidget(m_mostWrong, 4, 0, 1, 2);
    evalGrid->setRowStretch(2, 1);
    evalGrid->setRowStretch(4, 1);
    m_results->addTab(evalPage, tr("Evaluation"));
    m_results->addTab(m_ranking, tr("Ranked items"));

    auto *pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Dataset:"), this));
    pick->addWidget(m_dataset, 1);
    pick->addWidget(m_browse);
    pick->addWidget(m_useTraining);
    pick->addWidget(m_evaluate);
    pick->addWidget(m_rank);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_runLabel);
    layout->addLayout(pick);
    layout->addWidget(m_status);
    layout->addWidget(m_results, 1);

    // The worker lives on its own thread; calls into it are queued.
    m_worker = new EvaluationWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &EvaluationWorker::finished, this, &RunEvaluateView::showResult);
    connect(m_worker, &EvaluationWorker::failed, this, &RunEvaluateView::showError);
    m_thread.setObjectName(QStringLiteral("RunEvaluation"));
    m_thread.start();

    connect(m_browse, &QPushButton::clicked, this, &RunEvaluateView::browse);
    connect(m_useTraining, &QPushButton::clicked, this, [this] { setDatasetPath(m_trainedOn); });
    connect(m_evaluate, &QPushButton::clicked, this, &RunEvaluateView::startEvaluation);
    connect(m_rank, &QPushButton::clicked, this, &RunEvaluateView::startRanking);
    connect(m_dataset, &QLineEdit::textChanged, this, [this] { setBusy(m_busy); });
    setRun(QString(), QString(), 1.0, QString());
}

RunEvaluateView::~RunEvaluateView()
{
    m_thread.quit();
    m_thread.wait();
}

void RunEvaluateView::setRun(const QString &name, const QString &pthPath, double margin, const QString &trainedOn)
{
    m_pthPath = pthPath;
    m_margin = std::isfinite(margin) ? margin : 1.0;
    m_trainedOn = trainedOn;
    if (name.isEmpty())
        m_runLabel->setText(tr("Select one run in the list to evaluate its model."));
    else if (pthPath.isEmpty())
        m_runLabel->setText(tr("<b>%1</b>: this run has no .pth checkpoint to evaluate.").arg(name.toHtmlEscaped()));
    else
        m_runLabel->setText(tr("Model of <b>%1</b> (margin %2): %3")
                                .arg(name.toHtmlEscaped())
                                .arg(m_margin)
                                .arg(pthPath.toHtmlEscaped()));
    setBusy(m_busy);
}

void RunEvaluateView::setDatasetPath(const QString &path)
{
    m_dataset->setText(path);
}

QString RunEvaluateView::datasetPath() const
{
    return m_dataset->text().trimmed();
}

void RunEvaluateView::setBusy(bool busy)
{
    m_busy = busy;
    const bool ready = !busy && !m_pthPath.isEmpty() && !datasetPath().isEmpty();
    m_evaluate->setEnabled(ready);
    m_rank->setEnabled(ready);
    m_useTraining->setEnabled(!busy && !m_trainedOn.isEmpty());
}

void RunEvaluateView::browse()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Dataset to evaluate on"), datasetPath(),
                                                      tr("JSONL files (*.jsonl *.json);;All files (*)"));
    if (!path.isEmpty())
        setDatasetPath(path);
}

void RunEvaluateView::startEvaluation()
{
    if (m_busy || m_pthPath.isEmpty() || datasetPath().isEmpty())
        return;
    m_settings->lastEvaluationDataset = datasetPath();
    m_settings->save();
    setBusy(true);
    m_status->setText(tr("Evaluating on %1…").arg(QFileInfo(datasetPath()).fileName()));
    QMetaObject::invokeMethod(m_worker, "evaluate", Qt::QueuedConnection, Q_ARG(QString, m_pthPath),
                              Q_ARG(QString, datasetPath()), Q_ARG(double, m_margin), Q_ARG(int, 50));
}

void RunEvaluateView::startRanking()
{
    if (m_busy || m_pthPath.isEmpty() || datasetPath().isEmpty())
        return;
    m_settings->lastEvaluationDataset = datasetPath();
    m_settings->save();
    setBusy(true);
    m_status->setText(tr("Scoring the items of %1…").arg(QFileInfo(datasetPath()).fileName()));
    QMetaObject::invokeMethod(m_worker, "rankItems", Qt::QueuedConnection, Q_ARG(QString, m_pthPath),
                              Q_ARG(QString, datasetPath()));
}

void RunEvaluateView::showError(const QString &message)
{
    m_status->setText(tr("<span style='color:#b02020'>Failed: %1</span>").arg(message.toHtmlEscaped()));
    setBusy(false);
    Q_EMIT done();
}

void RunEvaluateView::showResult(const EvaluationResultPtr &result)
{
    m_last = result;
    const QString skipped =
        result->skippedLines ? tr("; %n bad line(s) skipped", nullptr, int(result->skippedLines)) : QString();
    if (result->kind == EvaluationResult::Kind::Ranking) {
        m_ranking->setRowCount(int(result->ranking.size()));
        for (int i = 0; i < result->ranking.size(); ++i) {
            const RankedItem &item = result->ranking[i];
            m_ranking->setItem(i, 0, cell(QString::number(i + 1), true));
            m_ranking->setItem(i, 1, cell(QString::number(item.score, 'f', 4), true));
            m_ranking->setItem(i, 2, cell(item.id));
            m_ranking->setItem(i, 3, cell(item.itemType));
            m_ranking->setItem(i, 4, cell(item.referenceId));
        }
        m_ranking->resizeColumnsToContents();
        m_results->setCurrentWidget(m_ranking);
        m_status->setText(tr("Ranked %n item(s) in %1 s%2.", nullptr, int(result->ranking.size()))
                              .arg(result->seconds, 0, 'f', 2)
                              .arg(skipped));
        setBusy(false);
        Q_EMIT done();
        return;
    }
    const Evaluation &e = result->evaluation;
    m_overall->setText(tr("<b>Pairwise accuracy: %1</b> (%2 of %3 decisive pairs) &nbsp;·&nbsp; tie agreement: %4 "
                          "(%5 of %6 ties, |score difference| &lt; %7) &nbsp;·&nbsp; %8 pairs")
                           .arg(percentText(e.overall.accuracy()))
                           .arg(e.overall.correct)
                           .arg(e.overall.decisive)
                           .arg(percentText(e.overall.tieAgreement()))
                           .arg(e.overall.tiesAgree)
                           .arg(e.overall.ties)
                           .arg(e.margin)
                           .arg(e.overall.pairs));
    m_byType->setRowCount(int(e.byItemType.size() + e.byReasonTag.size()));
    int row = 0;
    auto addSlice = [&](const QString &name, const Breakdown &b) {
        m_byType->setItem(row, 0, cell(name));
        m_byType->setItem(row, 1, cell(QString::number(b.pairs), true));
        m_byType->setItem(row, 2, cell(QString::number(b.decisive), true));
        m_byType->setItem(row, 3, cell(percentText(b.accuracy()), true));
        m_byType->setItem(row, 4, cell(QString::number(b.ties), true));
        m_byType->setItem(row, 5, cell(percentText(b.tieAgreement()), true));
        ++row;
    };
    for (const auto &entry : e.byItemType)
        addSlice(QString::fromStdString(entry.first), entry.second);
    for (const auto &entry : e.byReasonTag)
        addSlice(tr("tag: %1").arg(QString::fromStdString(entry.first)), entry.second);
    m_byType->resizeColumnsToContents();
    for (int label = 0; label < 3; ++label)
        for (int predicted = 0; predicted < 3; ++predicted) {
            auto *item = cell(QString::number(e.confusion[size_t(label)][size_t(predicted)]), true);
            // The cells a right prediction lands in.
            if (label == predicted)
                item->setBackground(QColor(0xdf, 0xf0, 0xd8));
            m_confusion->setItem(label, predicted, item);
        }
    m_mostWrong->setRowCount(int(result->mostWrong.size()));
    for (int i = 0; i < result->mostWrong.size(); ++i) {
        const WrongPair &p = result->mostWrong[i];
        m_mostWrong->setItem(i, 0, cell(QString::number(p.line), true));
        m_mostWrong->setItem(i, 1, cell(p.itemA));
        m_mostWrong->setItem(i, 2, cell(p.itemB));
        m_mostWrong->setItem(i, 3, cell(QString::number(p.label), true));
        m_mostWrong->setItem(i, 4, cell(QString::number(p.scoreDiff, 'f', 4), true));
    }
    m_mostWrong->resizeColumnsToContents();
    m_results->setCurrentIndex(0);
    m_status->setText(tr("Evaluated %1 on %2 in %3 s%4.")
                          .arg(QFileInfo(result->pthPath).fileName(), QFileInfo(result->datasetPath).fileName())
                          .arg(result->seconds, 0, 'f', 2)
                          .arg(skipped));
    setBusy(false);
    Q_EMIT done();
}

} // namespace ranker::ui
