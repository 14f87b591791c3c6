#include "ui/ranking/rankingview.h"
#include "ui/numberformat.h"

#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/run_history.h"
#include "ui/ranking/rankingmodel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QShowEvent>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <map>
#include <utility>

namespace ranker::ui {

namespace {

/// A run as the list shows it: its name, its folder, its figure, and how it ended when not completed.
QString runText(const RunSummary &run)
{
    QString text = QStringLiteral("%1 — %2").arg(qs(run.displayName()), QFileInfo(qs(run.folder)).fileName());
    if (run.quality.kind != QualityFigure::None && !run.quality.shortLabel.empty())
        text += QStringLiteral(" · %1").arg(qs(run.quality.shortLabel));
    if (!run.ended.empty() && run.ended != "completed")
        text += QStringLiteral(" (%1)").arg(qs(run.ended));
    return text;
}

/// The sort column and direction of each order of the "Order" list.
std::pair<int, Qt::SortOrder> orderColumn(int order)
{
    switch (order) {
    case RankingView::ByModelRank:
        return {RankingTableModel::ModelRankColumn, Qt::AscendingOrder};
    case RankingView::ByLabelRank:
        return {RankingTableModel::LabelRankColumn, Qt::AscendingOrder};
    default:
        return {RankingTableModel::DifferenceColumn, Qt::DescendingOrder};
    }
}

} // namespace

RankingView::RankingView(QWidget *parent)
    : QWidget(parent), m_model(new RankingTableModel(this)), m_proxy(new RankingFilterModel(this)),
      m_runCache(std::make_unique<RunSummaryCache>())
{
    m_proxy->setSourceModel(m_model);

    m_runBox = new QComboBox(this);
    m_runBox->setObjectName(QStringLiteral("rankingRunBox"));
    m_runBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_runBox->setMinimumContentsLength(28);
    m_runBox->setToolTip(tr("The run whose model ranks the items (runs of the workspace, newest first)"));
    m_typeBox = new QComboBox(this);
    m_typeBox->setObjectName(QStringLiteral("rankingTypeFilter"));
    m_typeBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_orderBox = new QComboBox(this);
    m_orderBox->setObjectName(QStringLiteral("rankingOrder"));
    m_orderBox->addItem(tr("Disagreement first"), int(DisagreementFirst));
    m_orderBox->addItem(tr("By model rank"), int(ByModelRank));
    m_orderBox->addItem(tr("By labels' rank"), int(ByLabelRank));
    m_orderBox->setItemData(0, tr("The items whose model rank and labels' rank differ most first"), Qt::ToolTipRole);
    // Shown when a click on another column's title sorts the table.
    m_orderBox->setPlaceholderText(tr("By the column clicked"));
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("rankingExportButton"));
    m_export->setToolTip(tr("Write the rows as shown (item type filter and order applied) to a CSV file"));

    m_headline = new QLabel(this);
    m_headline->setObjectName(QStringLiteral("rankingHeadline"));
    m_headline->setTextFormat(Qt::RichText);
    m_headline->setWordWrap(true);
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("rankingNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->hide();

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("rankingTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_hint = new QLabel(tr("Double-click an item, or press Enter, to see its pairs in the Review place. "
                           "* the model's rank is outside the ranks the item's 95 % interval allows."),
                        this);
    m_hint->setObjectName(QStringLiteral("rankingHint"));
    m_hint->setWordWrap(true);

    auto *runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Model of run:"), this));
    runRow->addWidget(m_runBox, 1);
    auto *viewRow = new QHBoxLayout;
    viewRow->addWidget(new QLabel(tr("Show:"), this));
    viewRow->addWidget(m_typeBox);
    viewRow->addSpacing(12);
    viewRow->addWidget(new QLabel(tr("Order:"), this));
    viewRow->addWidget(m_orderBox);
    viewRow->addStretch(1);
    viewRow->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(runRow);
    layout->addWidget(m_headline);
    layout->addWidget(m_notice);
    layout->addLayout(viewRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_hint);

    // The worker lives on its own thread; calls into it are queued.
    m_worker = new RankingWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &RankingWorker::finished, this, &RankingView::showResult);
    connect(m_worker, &RankingWorker::failed, this, &RankingView::showFailure);
    m_thread.setObjectName(QStringLiteral("Ranking"));
    m_thread.start();

    connect(m_runBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
        m_stale = true;
        if (isVisible())
            requestRanking();
    });
    connect(m_typeBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
        const QVariant type = m_typeBox->currentData();
        m_proxy->setItemType(type.isValid() ? std::optional<QString>(type.toString()) : std::nullopt);
    });
    connect(m_orderBox, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
        m_order = m_orderBox->itemData(index).toInt();
        applyOrder();
    });
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, &RankingView::syncOrderBox);
    connect(m_table, &QAbstractItemView::activated, this, &RankingView::activate);
    connect(m_export, &QPushButton::clicked, this, &RankingView::exportWithDialog);

    applyOrder();
    showPlaceholder(tr("Open a dataset to rank its items (File ▸ Open, or the Dataset place)."));
}

RankingView::~RankingView()
{
    m_thread.quit();
    m_thread.wait();
}

void RankingView::setDataset(const DatasetPtr &dataset)
{
    m_dataset = dataset;
    m_stale = true;
    if (!m_dataset)
        showPlaceholder(tr("Open a dataset to rank its items (File ▸ Open, or the Dataset place)."));
    else if (isVisible())
        requestRanking();
}

void RankingView::setRunsFolder(const QString &folder)
{
    if (folder == m_runsFolder)
        return;
    m_runsFolder = folder;
    refreshRuns();
}

void RankingView::refreshRuns()
{
    const QString chosen = currentRun();
    std::vector<RunSummary> runs;
    if (!m_runsFolder.isEmpty())
        runs = m_runCache->list(m_runsFolder.toStdString());
    m_runCache->dropUnlisted();
    QSet<QString> listed;
    for (const RunSummary &run : runs)
        listed.insert(QDir::cleanPath(qs(run.folder)));
    for (const QString &extra : std::as_const(m_extraRuns))
        if (!listed.contains(QDir::cleanPath(extra)))
            runs.push_back(readRunSummary(extra.toStdString()));
    {
        const QSignalBlocker blocker(m_runBox);
        m_runBox->clear();
        for (const RunSummary &run : runs)
            if (!run.broken && !run.pthPath.empty())
                m_runBox->addItem(runText(run), QDir::cleanPath(qs(run.folder)));
        if (m_runBox->count() == 0) {
            m_runBox->addItem(tr("(no trained run yet)"), QString());
            m_runBox->setEnabled(false);
        } else {
            m_runBox->setEnabled(true);
            const int keep = m_runBox->findData(chosen);
            m_runBox->setCurrentIndex(keep >= 0 ? keep : 0);
        }
    }
    if (currentRun() != chosen) {
        m_stale = true;
        if (isVisible())
            requestRanking();
    }
}

void RankingView::showRun(const QString &folder)
{
    const QString clean = QDir::cleanPath(folder);
    if (m_runBox->findData(clean) < 0 && !m_extraRuns.contains(clean)) {
        m_extraRuns << clean;
        refreshRuns();
    }
    const int index = m_runBox->findData(clean);
    if (index >= 0)
        m_runBox->setCurrentIndex(index);
}

QString RankingView::currentRun() const
{
    return m_runBox->currentData().toString();
}

void RankingView::setOrder(Order order)
{
    m_order = int(order);
    applyOrder();
}

RankingResultPtr RankingView::result() const
{
    return m_model->result();
}

QAbstractItemModel *RankingView::shownRows() const
{
    return m_proxy;
}

void RankingView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshRuns();
    if (m_stale && m_dataset)
        requestRanking();
}

void RankingView::requestRanking()
{
    if (!m_dataset) {
        showPlaceholder(tr("Open a dataset to rank its items (File ▸ Open, or the Dataset place)."));
        return;
    }
    m_stale = false;
    m_busy = true;
    const quint64 request = ++m_request;
    m_headline->setText(tr("Ranking the %n item(s) of %1…", nullptr, int(m_dataset->items.size()))
                            .arg(QFileInfo(qs(m_dataset->path)).fileName().toHtmlEscaped()));
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, request, dataset = m_dataset, run = currentRun()] { worker->rank(request, dataset, run); },
        Qt::QueuedConnection);
}

void RankingView::showResult(const RankingResultPtr &result)
{
    if (!result || result->request != m_request)
        return; // an answer to an earlier request: a newer one is on its way
    m_busy = false;
    m_model->setResult(result);
    fillTypeFilter();
    applyOrder();
    m_export->setEnabled(!result->rows.isEmpty());
    m_table->resizeColumnsToContents();

    const QString file = QFileInfo(result->datasetPath).fileName().toHtmlEscaped();
    const QString labels =
        tr("<b>Labels' ranking</b>: Bradley–Terry, fitted from the labels alone (%1 decisive pairs and %2 ties of "
           "%3; a tie counts half a win each side), each item with a 95 % interval.")
            .arg(result->decisive)
            .arg(result->ties)
            .arg(file);
    if (result->hasModel)
        m_headline->setText(tr("<b>Model ranking</b>: from run <b>%1</b>, every item of %2 by its score. %3")
                                .arg(result->runName.toHtmlEscaped(), file, labels));
    else
        m_headline->setText(labels);

    QStringList notes;
    bool error = false;
    if (!result->modelProblem.isEmpty()) {
        notes << result->modelProblem + tr(" Only the labels' ranking is shown.");
        error = true;
    } else if (result->runFolder.isEmpty()) {
        notes << (m_runsFolder.isEmpty()
                      ? tr("No run to rank with: only the labels' ranking is shown.")
                      : tr("No trained run in %1 yet: train one in the Train place to see its model's ranking "
                           "beside the labels'.")
                            .arg(QDir::toNativeSeparators(m_runsFolder)));
    }
    const qint64 notCompared = qint64(result->rows.size()) - result->compared;
    if (notCompared > 0)
        notes << tr("%n item(s) no labelled pair compares: their labels' rank reads \"not compared\" and their "
                    "strength is the prior's, 0 ± %1.",
                    nullptr, int(notCompared))
                     .arg(1.96 * result->priorSd, 0, 'f', 1);
    if (!result->missingMetrics.isEmpty())
        notes << tr("The model reads metrics no item of this dataset has (%1): each item takes the training mean.")
                     .arg(result->missingMetrics.join(QStringLiteral(", ")));
    if (result->hasModel) {
        const auto outside = std::count_if(result->rows.begin(), result->rows.end(),
                                           [](const RankingRow &row) { return row.outsideInterval; });
        notes << (outside == 0 ? tr("Every model rank is within what the item's interval from the labels allows.")
                               : tr("%n item(s) where the model's rank is outside what the labels' interval "
                                    "allows (*).",
                                    nullptr, int(outside)));
    }
    if (!result->converged)
        notes << tr("The Bradley–Terry fit did not converge in %1 Newton steps.").arg(result->iterations);
    if (!result->exactIntervals)
        notes << tr("Intervals from each item's own curvature (narrower than the exact ones).");
    m_resultNotes = notes.join(QLatin1Char(' '));
    m_resultNotesAreError = error;
    setNotice(m_resultNotes, error);
    Q_EMIT rankingShown();
}

void RankingView::showFailure(quint64 request, const QString &message)
{
    if (request != m_request)
        return;
    m_busy = false;
    m_model->setResult(nullptr);
    m_export->setEnabled(false);
    m_headline->setText(tr("<b>No ranking</b>"));
    m_resultNotes = tr("The items could not be ranked: %1").arg(message);
    m_resultNotesAreError = true;
    setNotice(m_resultNotes, true);
    Q_EMIT rankingShown();
}

void RankingView::showPlaceholder(const QString &text)
{
    m_busy = false;
    ++m_request; // an answer still on its way is for a dataset no longer open
    m_model->setResult(nullptr);
    fillTypeFilter();
    m_export->setEnabled(false);
    m_headline->setText(text.toHtmlEscaped());
    m_resultNotes.clear();
    m_resultNotesAreError = false;
    setNotice(QString(), false);
    Q_EMIT rankingShown();
}

void RankingView::fillTypeFilter()
{
    const QVariant chosen = m_typeBox->currentData();
    std::map<QString, qint64> counts;
    if (const RankingResultPtr &result = m_model->result())
        for (const RankingRow &row : result->rows)
            ++counts[row.itemType];
    const QSignalBlocker blocker(m_typeBox);
    m_typeBox->clear();
    m_typeBox->addItem(tr("All item types"), QVariant());
    for (const auto &type : counts)
        m_typeBox->addItem(
            QStringLiteral("%1 (%2)").arg(type.first.isEmpty() ? tr("(no type)") : type.first).arg(type.second),
            QVariant(type.first));
    int keep = 0;
    if (chosen.isValid())
        for (int i = 1; i < m_typeBox->count(); ++i)
            if (m_typeBox->itemData(i).toString() == chosen.toString())
                keep = i;
    m_typeBox->setCurrentIndex(keep);
    const QVariant type = m_typeBox->currentData();
    m_proxy->setItemType(type.isValid() ? std::optional<QString>(type.toString()) : std::nullopt);
    m_typeBox->setEnabled(counts.size() > 1);
}

void RankingView::applyOrder()
{
    if (m_order < 0)
        return; // sorted by a column's title: the proxy keeps that
    // Nothing to disagree with without a model: the labels' order then.
    const RankingResultPtr &result = m_model->result();
    const bool hasModel = result && result->hasModel;
    const auto [column, order] = orderColumn(m_order == DisagreementFirst && !hasModel ? ByLabelRank : m_order);
    m_applyingOrder = true;
    m_table->sortByColumn(column, order);
    m_applyingOrder = false;
    const QSignalBlocker blocker(m_orderBox);
    m_orderBox->setCurrentIndex(m_orderBox->findData(m_order));
}

void RankingView::syncOrderBox(int column, Qt::SortOrder order)
{
    if (m_applyingOrder)
        return;
    // A click on a column's title: the order list says which of its orders that is, if any.
    m_order = -1;
    for (int candidate : {int(DisagreementFirst), int(ByModelRank), int(ByLabelRank)})
        if (orderColumn(candidate) == std::make_pair(column, order))
            m_order = candidate;
    const QSignalBlocker blocker(m_orderBox);
    m_orderBox->setCurrentIndex(m_order < 0 ? -1 : m_orderBox->findData(m_order));
}

std::string RankingView::csvText() const
{
    CsvTable table;
    table.push_back({"model_rank", "label_rank", "rank_difference", "id", "item_type", "model_score", "bt_strength",
                     "bt_low", "bt_high", "bt_std_error", "comparisons", "wins", "compared", "model_outside_interval"});
    const RankingResultPtr &result = m_model->result();
    if (!result)
        return toCsv(table);
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const RankingRow *row = m_model->rowAt(m_proxy->mapToSource(m_proxy->index(r, 0)).row());
        if (!row)
            continue;
        auto rank = [](qint64 value) { return value > 0 ? std::to_string(value) : std::string(); };
        table.push_back({rank(row->modelRank), rank(row->labelRank),
                         row->difference >= 0 ? std::to_string(row->difference) : std::string(), row->id.toStdString(),
                         row->itemType.toStdString(), result->hasModel ? csvNumber(row->modelScore) : std::string(),
                         csvNumber(row->strength), csvNumber(row->low), csvNumber(row->high), csvNumber(row->stdError),
                         std::to_string(row->comparisons), csvNumber(row->wins), row->compared() ? "true" : "false",
                         result->hasModel ? (row->outsideInterval ? "true" : "false") : ""});
    }
    return toCsv(table);
}

bool RankingView::exportCsv(const QString &path, QString *error)
{
    try {
        writeFileAtomically(path.toStdString(), csvText());
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

void RankingView::exportWithDialog()
{
    const RankingResultPtr &result = m_model->result();
    if (!result)
        return;
    const QFileInfo dataset(result->datasetPath);
    const QString name = result->hasModel
                             ? QStringLiteral("%1-ranking-%2.csv")
                                   .arg(dataset.completeBaseName(), QFileInfo(result->runFolder).fileName())
                             : QStringLiteral("%1-ranking-labels.csv").arg(dataset.completeBaseName());
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the ranking"), dataset.dir().filePath(name),
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error)) {
        QMessageBox::warning(this, tr("Export CSV"), tr("The ranking was not written: %1").arg(error));
        return;
    }
    const QString wrote =
        tr("Wrote %n row(s) to %1.", nullptr, m_proxy->rowCount()).arg(QDir::toNativeSeparators(path));
    setNotice(m_resultNotes.isEmpty() ? wrote : m_resultNotes + QLatin1Char(' ') + wrote, m_resultNotesAreError);
}

void RankingView::activate(const QModelIndex &index)
{
    const QString id = index.data(RankingTableModel::ItemIdRole).toString();
    if (!id.isEmpty())
        Q_EMIT itemPairsRequested(id);
}

void RankingView::setNotice(const QString &text, bool isError)
{
    m_notice->setText(text);
    m_notice->setStyleSheet(isError ? QStringLiteral("color: #b00020;") : QString());
    m_notice->setVisible(!text.isEmpty());
}

} // namespace ranker::ui
