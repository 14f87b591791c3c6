#pragma once

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QFileSystemWatcher;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace ranker {
struct RunSummary;
class RunSummaryCache;
} // namespace ranker

namespace ranker::ui {

class HistorySettings;
class RunCompareView;
class RunDetailsView;
class RunEvaluateView;
class RunFilterProxyModel;
class RunTableModel;

/**
 * The History tab: every run of the workspace and of the folders the user added, in a sortable,
 * filterable table kept up to date by a QFileSystemWatcher (runs written by the CLI appear too);
 * details and notes of the selected run; comparison of several; reuse (train again, continue,
 * rename, delete); evaluation of a run's model on any dataset.
 */
class RunHistoryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunHistoryPanel)

public:
    /// @param runsFolder WORKSPACE/runs (may not exist yet); empty: only the added folders.
    explicit RunHistoryPanel(const QString &runsFolder = QString(), QWidget *parent = nullptr);
    ~RunHistoryPanel() override;

    /// Lists the runs of another workspace (WORKSPACE/runs).
    void setRunsFolder(const QString &runsFolder);
    QString runsFolder() const { return m_runsFolder; }

    /// Adds a folder to list besides the workspace's: a run folder (a `ranker-train --output`
    /// folder) or a folder of run folders. Kept in the settings.
    void addFolder(const QString &folder);
    void removeFolder(const QString &folder);
    QStringList extraFolders() const;

    /// Reads every listed folder again (it also happens by itself when files change).
    void refresh();
    int runCount() const;
    /// Folders of the selected runs, in table order.
    QStringList selectedFolders() const;
    /// Selects the runs in `folders` (those listed).
    void selectRuns(const QStringList &folders);
    /// Folders of the ticked runs (their check boxes), in table order.
    QStringList checkedFolders() const;
    /// The runs compared: the ticked ones, or the selected ones when none is ticked.
    QStringList comparedFolders() const;

    /// Sets the display name of the run in `folder` (kept in its notes sidecar; the run's files are
    /// not touched). An empty name goes back to the model name. @return false if it could not be saved.
    bool renameRun(const QString &folder, const QString &displayName);
    /// Writes the comparison of the selected runs and their per-epoch figures as CSV into `folder`.
    /// @return the files written (empty on failure).
    QStringList exportSelected(const QString &folder);

Q_SIGNALS:
    /// "Train again with these settings": the run's TrainConfig as ranker::toJson() text.
    /// @param datasetPath the file the run trained on (metadata dataset.path; empty when unknown).
    void trainAgainRequested(const QString &configJson, const QString &datasetPath);
    /// "Continue training": the run's checkpoint and its TrainConfig as ranker::toJson() text.
    void continueTrainingRequested(const QString &pthPath, const QString &configJson, const QString &datasetPath);
    /// "Show ranking": the open dataset's items ranked by the model of the run in `folder`.
    void rankingRequested(const QString &folder);
    /// The list was read again (after refresh() or a change on disk).
    void runsRefreshed(int count);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /// Opens or closes the sweep of the run at `proxyIndex` in the list; false when it is in none.
    bool setGroupOpenAt(const QModelIndex &proxyIndex, bool open);
    void groupsChanged();
    void scheduleRefresh();
    void updateWatcher();
    void updateCount();
    void selectionChanged();
    void updateCompared();
    void updateActions();
    void trainAgain();
    void continueTraining();
    void renameSelected();
    void deleteSelected();
    void exportSelectedWithDialog();
    void addFolderWithDialog();
    int selectedSourceRow() const;                      ///< the one selected row, or -1
    std::vector<const RunSummary *> listedRuns() const; ///< the rows the filter lets through
    QString configJsonOf(const QString &folder) const;

    HistorySettings *m_settings = nullptr;
    QString m_runsFolder;
    std::unique_ptr<RunSummaryCache> m_cache; ///< runs read once, again only when they change
    RunTableModel *m_model = nullptr;
    RunFilterProxyModel *m_proxy = nullptr;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_refreshTimer = nullptr;
    int m_lastComparedSize = 0;

    QLineEdit *m_filter = nullptr;
    QPushButton *m_addFolder = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_trainAgain = nullptr;
    QPushButton *m_continue = nullptr;
    QPushButton *m_showRanking = nullptr;
    QPushButton *m_rename = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_export = nullptr;
    QTabWidget *m_tabs = nullptr;
    RunDetailsView *m_details = nullptr;
    RunCompareView *m_compare = nullptr;
    RunEvaluateView *m_evaluate = nullptr;
};

} // namespace ranker::ui
