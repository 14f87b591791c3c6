#include "ui/history/runhistorypanel.h"

#include "core/run_history.h"
#include "ui/history/elidedtext.h"
#include "ui/history/historysettings.h"
#include "ui/history/runcompareview.h"
#include "ui/history/rundetailsview.h"
#include "ui/history/runevaluateview.h"
#include "ui/history/runtablemodel.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace ranker::ui {

namespace {

/// inotify watches are a per-user resource: watch at most this many run folders.
constexpr int kMaxWatchedFolders = 4000;

QString clean(const QString &path)
{
    return QDir::cleanPath(QDir(path).absolutePath());
}

} // namespace

RunHistoryPanel::RunHistoryPanel(const QString &runsFolder, QWidget *parent)
    : QWidget(parent), m_cache(std::make_unique<RunSummaryCache>())
{
    m_settings = new HistorySettings(this);
    m_settings->load();

    m_model = new RunTableModel(this);
    m_proxy = new RunFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("runFilter"));
    m_filter->setPlaceholderText(tr("Filter runs: name, dataset, tag, device, state…"));
    m_filter->setClearButtonEnabled(true);
    m_addFolder = new QPushButton(tr("Add folder…"), this);
    m_addFolder->setObjectName(QStringLiteral("addFolderButton"));
    m_addFolder->setToolTip(tr("List the runs in another folder too (a ranker-train --output folder is a run)"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("runCountLabel"));

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("runTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunTableModel::Started, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    const QFontMetrics fm = m_table->fontMetrics();
    const int widths[RunTableModel::ColumnCount] = {
        fm.horizontalAdvance(QStringLiteral("trial-003-lr0.001-m0.5")) + 24, // and its check box
        fm.horizontalAdvance(QStringLiteral("▸ ★ sweep 20261201-lr-grid · 27 trials")),
        fm.horizontalAdvance(QStringLiteral("2026-11-25 10:14:58 ")),
        fm.horizontalAdvance(QStringLiteral("small.jsonl (cfb30e2e)  ")),
        fm.horizontalAdvance(QStringLiteral("1000000 ")),
        fm.horizontalAdvance(QStringLiteral("Epochs ")),
        fm.horizontalAdvance(QStringLiteral("0.0001 ")),
        fm.horizontalAdvance(QStringLiteral("Hidden ")),
        fm.horizontalAdvance(QStringLiteral("Batch ")),
        fm.horizontalAdvance(QStringLiteral("Margin ")),
        fm.horizontalAdvance(QStringLiteral("Train loss ")),
        fm.horizontalAdvance(QStringLiteral("78.0 ± 2.1 % CV ")),
        fm.horizontalAdvance(QStringLiteral("81.2 % ")),
        fm.horizontalAdvance(QStringLiteral("⚠ look again ")),
        fm.horizontalAdvance(QStringLiteral("12m 34s ")),
        fm.horizontalAdvance(QStringLiteral("Device ")),
        fm.horizontalAdvance(QStringLiteral("completed  ")),
        fm.horizontalAdvance(QStringLiteral("tags tags")),
    };
    for (int c = 0; c < RunTableModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] + 16);

    m_trainAgain = new QPushButton(tr("Train again…"), this);
    m_trainAgain->setObjectName(QStringLiteral("trainAgainButton"));
    m_trainAgain->setToolTip(tr("Fill the Train form with this run's settings"));
    m_continue = new QPushButton(tr("Continue training"), this);
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_continue->setToolTip(tr("Resume training from this run's .pth checkpoint"));
    m_showRanking = new QPushButton(tr("Show ranking"), this);
    m_showRanking->setObjectName(QStringLiteral("showRankingButton"));
    m_showRanking->setToolTip(
        tr("Rank the open dataset's items with this run's model, beside the labels' own ranking (the Ranking place)"));
    m_rename = new QPushButton(tr("Rename…"), this);
    m_rename->setObjectName(QStringLiteral("renameButton"));
    m_delete = new QPushButton(tr("Delete…"), this);
    m_delete->setObjectName(QStringLiteral("deleteButton"));
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("exportCsvButton"));
    m_export->setToolTip(tr("Write the comparison of the selected runs and each one's per-epoch figures as CSV"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_count);
    top->addWidget(m_addFolder);
    top->addWidget(m_refresh);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_trainAgain);
    actions->addWidget(m_continue);
    actions->addWidget(m_showRanking);
    actions->addWidget(m_rename);
    actions->addWidget(m_delete);
    actions->addStretch(1);
    actions->addWidget(m_export);

    auto *listBox = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listBox);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(top);
    listLayout->addWidget(m_table, 1);
    listLayout->addLayout(actions);

    m_details = new RunDetailsView(this);
    m_details->setObjectName(QStringLiteral("runDetails"));
    m_compare = new RunCompareView(m_settings, this);
    m_compare->setObjectName(QStringLiteral("runCompare"));
    m_evaluate = new RunEvaluateView(m_settings, this);
    m_evaluate->setObjectName(QStringLiteral("runEvaluate"));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("historyTabs"));
    m_tabs->addTab(m_details, tr("Details"));
    m_tabs->addTab(m_compare, tr("Compare"));
    m_tabs->addTab(m_evaluate, tr("Evaluate"));

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("historySplitter"));
    split->addWidget(listBox);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    // The list shows a screenful of runs (it showed three at 1280×820): at least eight rows, and
    // half the height at first; the details below scroll.
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 8 +
                              m_table->horizontalHeader()->sizeHint().height() + 4);
    m_tabs->setMinimumHeight(160);
    split->setSizes({1000, 1000});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    m_watcher = new QFileSystemWatcher(this);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    // Several files land per run (.pth, .onnx, metadata): read the folders once they settle.
    m_refreshTimer->setInterval(200);
    connect(m_refreshTimer, &QTimer::timeout, this, &RunHistoryPanel::refresh);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &RunHistoryPanel::scheduleRefresh);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        m_compare->setListed(listedRuns());
        updateCount();
    });
    // A sweep is one row until its lead's Group cell is clicked (or + pressed): then its trials.
    connect(m_model, &RunTableModel::groupsChanged, this, &RunHistoryPanel::groupsChanged);
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex &index) {
        const int row = m_proxy->mapToSource(index).row();
        if (index.column() == RunTableModel::Group && m_model->leadsGroup(row))
            setGroupOpenAt(index, !m_model->isGroupOpen(m_model->groupKey(row)));
    });
    m_table->installEventFilter(this);
    connect(m_refresh, &QPushButton::clicked, this, &RunHistoryPanel::refresh);
    connect(m_addFolder, &QPushButton::clicked, this, &RunHistoryPanel::addFolderWithDialog);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunHistoryPanel::selectionChanged);
    // A ticked or cleared check box changes what is compared.
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                if (roles.contains(Qt::CheckStateRole))
                    updateCompared();
            });
    connect(m_trainAgain, &QPushButton::clicked, this, &RunHistoryPanel::trainAgain);
    connect(m_continue, &QPushButton::clicked, this, &RunHistoryPanel::continueTraining);
    connect(m_showRanking, &QPushButton::clicked, this, [this] {
        const int row = selectedSourceRow();
        if (row >= 0 && !m_model->run(row).pthPath.empty())
            Q_EMIT rankingRequested(QString::fromStdString(m_model->run(row).folder));
    });
    connect(m_rename, &QPushButton::clicked, this, &RunHistoryPanel::renameSelected);
    connect(m_delete, &QPushButton::clicked, this, &RunHistoryPanel::deleteSelected);
    connect(m_export, &QPushButton::clicked, this, &RunHistoryPanel::exportSelectedWithDialog);
    connect(m_details, &RunDetailsView::notesSaved, this, &RunHistoryPanel::scheduleRefresh);

    setRunsFolder(runsFolder);
}

RunHistoryPanel::~RunHistoryPanel()
{
    // Keep what was typed in the notes.
    if (m_details->hasUnsavedNotes())
        m_details->saveNotes();
}

void RunHistoryPanel::setRunsFolder(const QString &runsFolder)
{
    m_runsFolder = runsFolder.isEmpty() ? QString() : clean(runsFolder);
    refresh();
}

void RunHistoryPanel::addFolder(const QString &folder)
{
    const QString path = clean(folder);
    if (path.isEmpty() || m_settings->extraFolders.contains(path) || path == m_runsFolder)
        return;
    m_settings->extraFolders << path;
    m_settings->save();
    refresh();
}

void RunHistoryPanel::removeFolder(const QString &folder)
{
    if (m_settings->extraFolders.removeAll(clean(folder)) > 0) {
        m_settings->save();
        refresh();
    }
}

QStringList RunHistoryPanel::extraFolders() const
{
    return m_settings->extraFolders;
}

int RunHistoryPanel::runCount() const
{
    return m_model->rowCount();
}

void RunHistoryPanel::scheduleRefresh()
{
    m_refreshTimer->start();
}

void RunHistoryPanel::refresh()
{
    m_refreshTimer->stop();
    const QStringList selected = selectedFolders();
    QStringList roots;
    if (!m_runsFolder.isEmpty())
        roots << m_runsFolder;
    roots << m_settings->extraFolders;
    std::vector<RunSummary> runs;
    std::set<std::string> seen;
    for (const QString &root : roots) {
        for (RunSummary &run : m_cache->list(root.toStdString())) {
            const std::string key = clean(QString::fromStdString(run.folder)).toStdString();
            if (seen.insert(key).second)
                runs.push_back(std::move(run));
        }
    }
    m_cache->dropUnlisted();
    std::stable_sort(runs.begin(), runs.end(),
                     [](const RunSummary &a, const RunSummary &b) { return a.createdAt > b.createdAt; });
    {
        // Re-selecting below would otherwise repaint the details once per run.
        QSignalBlocker block(m_table->selectionModel());
        m_model->setRuns(std::move(runs));
    }
    m_compare->setListed(listedRuns());
    updateCount();
    updateWatcher();
    selectRuns(selected);
    selectionChanged();
    Q_EMIT runsRefreshed(m_model->rowCount());
}

bool RunHistoryPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Plus || key == Qt::Key_Minus) &&
            setGroupOpenAt(m_table->currentIndex(), key == Qt::Key_Plus))
            return true;
    }
    return QWidget::eventFilter(watched, event);
}

bool RunHistoryPanel::setGroupOpenAt(const QModelIndex &proxyIndex, bool open)
{
    if (!proxyIndex.isValid())
        return false;
    const int lead = m_model->groupLead(m_proxy->mapToSource(proxyIndex).row());
    if (lead < 0)
        return false;
    const QString key = m_model->groupKey(lead);
    // The selection stays; a trial that the closing hides hands it to its sweep's lead.
    QStringList selected;
    for (const QString &folder : selectedFolders()) {
        const int row = m_model->rowOfFolder(folder);
        const bool hides = !open && !m_proxy->isFiltering() && row >= 0 && m_model->groupKey(row) == key;
        const QString shown = hides ? m_model->index(lead, 0).data(RunTableModel::FolderRole).toString() : folder;
        if (!selected.contains(shown))
            selected << shown;
    }
    m_model->setGroupOpen(key, open);
    selectRuns(selected);
    m_table->scrollTo(m_table->currentIndex().isValid() ? m_table->currentIndex() : proxyIndex);
    return true;
}

void RunHistoryPanel::groupsChanged()
{
    m_proxy->refilterGroups();
    updateCount();
}

void RunHistoryPanel::updateCount()
{
    // A closed sweep's trials are listed (Compare draws them): they count as shown.
    const int listed = int(listedRuns().size());
    const int all = m_model->rowCount();
    const QString runs = all == 1 ? tr("1 run") : tr("%1 runs").arg(all);
    m_count->setText(listed == all ? runs : tr("%1 of %2").arg(listed).arg(runs));
}

void RunHistoryPanel::updateWatcher()
{
    QStringList wanted;
    QStringList roots;
    if (!m_runsFolder.isEmpty())
        roots << m_runsFolder;
    roots << m_settings->extraFolders;
    for (const QString &root : roots) {
        QFileInfo info(root);
        if (!info.isDir()) {
            // The workspace has no runs folder yet: watch for it to appear.
            if (QFileInfo(info.absolutePath()).isDir())
                wanted << info.absolutePath();
            continue;
        }
        wanted << root;
        // A new run folder is created first and its metadata written last: watch the folders too.
        const QStringList subs = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
        for (const QString &sub : subs) {
            if (wanted.size() >= kMaxWatchedFolders)
                break;
            wanted << root + QLatin1Char('/') + sub;
        }
    }
    const QStringList watched = m_watcher->directories();
    const QSet<QString> wantedSet(wanted.begin(), wanted.end());
    const QSet<QString> watchedSet(watched.begin(), watched.end());
    QStringList remove, add;
    for (const QString &path : watched)
        if (!wantedSet.contains(path))
            remove << path;
    for (const QString &path : wanted)
        if (!watchedSet.contains(path))
            add << path;
    if (!remove.isEmpty())
        m_watcher->removePaths(remove);
    if (!add.isEmpty())
        m_watcher->addPaths(add);
}

QStringList RunHistoryPanel::selectedFolders() const
{
    QStringList folders;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    QList<QModelIndex> sorted(rows.begin(), rows.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : sorted)
        folders << index.data(RunTableModel::FolderRole).toString();
    return folders;
}

void RunHistoryPanel::selectRuns(const QStringList &folders)
{
    QItemSelection selection;
    for (const QString &folder : folders) {
        const int row = m_model->rowOfFolder(folder);
        if (row < 0)
            continue;
        // A trial of a closed sweep: open the sweep to show it.
        if (m_model->index(row, 0).data(RunTableModel::InClosedGroupRole).toBool() && !m_proxy->isFiltering()) {
            m_model->setGroupOpen(m_model->groupKey(row), true); // lists it again (groupsChanged)
        }
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        if (index.isValid())
            selection.select(index, index.siblingAtColumn(RunTableModel::ColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        m_table->selectionModel()->setCurrentIndex(selection.indexes().first(), QItemSelectionModel::NoUpdate);
}

std::vector<const RunSummary *> RunHistoryPanel::listedRuns() const
{
    std::vector<const RunSummary *> listed;
    listed.reserve(size_t(m_proxy->rowCount()));
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const int row = m_proxy->mapToSource(m_proxy->index(r, 0)).row();
        listed.push_back(&m_model->run(row));
        // A closed sweep's trials are listed with their lead: Compare and the parallel
        // coordinates draw the whole sweep.
        if (!m_proxy->isFiltering() && !m_model->isGroupOpen(m_model->groupKey(row)))
            for (int member : m_model->groupMembers(row))
                listed.push_back(&m_model->run(member));
    }
    return listed;
}

int RunHistoryPanel::selectedSourceRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.size() == 1 ? m_proxy->mapToSource(rows.first()).row() : -1;
}

void RunHistoryPanel::selectionChanged()
{
    const QStringList folders = selectedFolders();
    const int row = folders.size() == 1 ? m_model->rowOfFolder(folders.first()) : -1;
    if (row >= 0) {
        const RunSummary &run = m_model->run(row);
        m_details->setRun(run);
        m_evaluate->setRun(elidedText(run.displayName()), QString::fromStdString(run.pthPath), run.margin,
                           QString::fromStdString(run.datasetPath));
    } else {
        if (folders.isEmpty())
            m_details->clear();
        m_evaluate->setRun(QString(), QString(), 1.0, QString());
    }
    updateCompared();
}

QStringList RunHistoryPanel::checkedFolders() const
{
    return m_model->checkedFolders();
}

QStringList RunHistoryPanel::comparedFolders() const
{
    const QStringList checked = checkedFolders();
    return checked.isEmpty() ? selectedFolders() : checked;
}

void RunHistoryPanel::updateCompared()
{
    std::vector<RunSummary> compared;
    for (const QString &folder : comparedFolders()) {
        const int row = m_model->rowOfFolder(folder);
        if (row >= 0)
            compared.push_back(m_model->run(row));
    }
    m_compare->setCompared(compared);
    m_model->setBestCompared(m_compare->bestComparedFolder());
    // Picking a second run means comparing: show it.
    if (compared.size() >= 2 && m_lastComparedSize < 2)
        m_tabs->setCurrentWidget(m_compare);
    m_lastComparedSize = int(compared.size());
    updateActions();
}

void RunHistoryPanel::updateActions()
{
    const int row = selectedSourceRow();
    const bool one = row >= 0;
    const bool usable = one && !m_model->run(row).broken;
    m_trainAgain->setEnabled(usable);
    m_continue->setEnabled(usable && !m_model->run(row).pthPath.empty());
    m_showRanking->setEnabled(usable && !m_model->run(row).pthPath.empty());
    m_rename->setEnabled(usable);
    m_delete->setEnabled(one);
    m_export->setEnabled(m_compare->comparedCount() > 0);
}

QString RunHistoryPanel::configJsonOf(const QString &folder) const
{
    const RunInfo info = readRun(folder.toStdString());
    return QString::fromStdString(trainConfigJson(info.metadata).dump(2));
}

void RunHistoryPanel::trainAgain()
{
    const int row = selectedSourceRow();
    if (row < 0)
        return;
    const RunSummary &run = m_model->run(row);
    Q_EMIT trainAgainRequested(configJsonOf(QString::fromStdString(run.folder)),
                               QString::fromStdString(run.datasetPath));
}

void RunHistoryPanel::continueTraining()
{
    const int row = selectedSourceRow();
    if (row < 0 || m_model->run(row).pthPath.empty())
        return;
    const RunSummary &run = m_model->run(row);
    Q_EMIT continueTrainingRequested(QString::fromStdString(run.pthPath),
                                     configJsonOf(QString::fromStdString(run.folder)),
                                     QString::fromStdString(run.datasetPath));
}

bool RunHistoryPanel::renameRun(const QString &folder, const QString &displayName)
{
    try {
        RunNotes notes = readRunNotes(folder.toStdString());
        notes.displayName = displayName.trimmed().toStdString();
        writeRunNotes(folder.toStdString(), notes);
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Rename run"), QString::fromStdString(e.what()));
        return false;
    }
    refresh();
    return true;
}

void RunHistoryPanel::renameSelected()
{
    const int row = selectedSourceRow();
    if (row < 0)
        return;
    const RunSummary run = m_model->run(row);
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Rename run"),
        tr("Name shown for this run (its files keep their names; empty: “%1”):").arg(elidedText(run.modelName)),
        QLineEdit::Normal, elidedText(run.displayName(), kShownCharsLong), &ok);
    if (ok)
        renameRun(QString::fromStdString(run.folder), name);
}

void RunHistoryPanel::deleteSelected()
{
    const int row = selectedSourceRow();
    if (row < 0)
        return;
    const RunSummary run = m_model->run(row);
    const QString folder = QString::fromStdString(run.folder);
    QMessageBox box(QMessageBox::Warning, tr("Delete run"),
                    tr("Delete the run “%1”?").arg(elidedText(run.displayName())),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("deleteRunConfirmation"));
    box.setInformativeText(tr("The folder %1 and every file in it will be moved to the trash (or deleted "
                              "where there is no trash). Other runs are not touched.")
                               .arg(QDir::toNativeSeparators(folder)));
    box.setDefaultButton(QMessageBox::Cancel);
    box.button(QMessageBox::Yes)->setText(tr("Delete"));
    if (box.exec() != QMessageBox::Yes)
        return;
    m_details->clear();
    bool gone = QFile::moveToTrash(folder);
    if (!gone)
        gone = QDir(folder).removeRecursively();
    if (!gone)
        QMessageBox::warning(this, tr("Delete run"), tr("Could not delete %1.").arg(QDir::toNativeSeparators(folder)));
    // A run added by hand as its own folder leaves the list of folders with it.
    if (m_settings->extraFolders.removeAll(clean(folder)) > 0)
        m_settings->save();
    refresh();
}

QStringList RunHistoryPanel::exportSelected(const QString &folder)
{
    QString error;
    const QStringList files = m_compare->exportCsv(folder, &error);
    if (files.isEmpty() && !error.isEmpty())
        QMessageBox::warning(this, tr("Export CSV"), error);
    return files;
}

void RunHistoryPanel::exportSelectedWithDialog()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Folder for the CSV files"), m_settings->lastExportFolder);
    if (folder.isEmpty())
        return;
    m_settings->lastExportFolder = folder;
    m_settings->save();
    const QStringList files = exportSelected(folder);
    if (!files.isEmpty())
        QMessageBox::information(
            this, tr("Export CSV"),
            tr("Wrote %n file(s) to %1.", nullptr, int(files.size())).arg(QDir::toNativeSeparators(folder)));
}

void RunHistoryPanel::addFolderWithDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder with runs"), m_runsFolder);
    if (!folder.isEmpty())
        addFolder(folder);
}

} // namespace ranker::ui
