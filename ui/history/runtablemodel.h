#pragma once

#include "core/run_history.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <vector>

namespace ranker::ui {

/// The listed runs, one row each. Its data is replaced in one call (setRuns).
class RunTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunTableModel)

public:
    enum Column {
        Name,
        Group, ///< "★ sweep NAME" (the sweep's best trial) or "continues PARENT"
        Started,
        Dataset,
        Pairs,
        Epochs,
        LearningRate,
        HiddenDim,
        BatchSize,
        Margin,
        FinalTrainLoss,
        Quality,
        TestAccuracy,
        VerdictColumn,
        TrainingTime,
        Device,
        Ended,
        Tags,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole, ///< raw value: number, date or text; invalid when missing
        FolderRole,              ///< the run folder
        FilterRole,              ///< text the filter searches
        BrokenRole,              ///< bool
        /// A sweep's clean folder for its trials; empty for a run of its own. A sweep is one group:
        /// its lead (the best trial, or its first where none has a figure) stands for it, and the
        /// other trials show under the lead when the group is open.
        GroupKeyRole,
        GroupLeadRole,    ///< bool: the row stands for its sweep (false for a run of its own)
        GroupSortRole,    ///< the lead's SortRole value: where the whole group sorts
        InClosedGroupRole ///< bool: a trial, not the lead, of a closed sweep
    };

    explicit RunTableModel(QObject *parent = nullptr);

    void setRuns(std::vector<RunSummary> runs);
    const std::vector<RunSummary> &runs() const { return m_runs; }
    const RunSummary &run(int row) const { return m_runs.at(size_t(row)); }
    /// The row of the run in `folder`, or -1.
    int rowOfFolder(const QString &folder) const;

    /// Runs whose check box (in the Name column) is ticked: the ones compared. Kept across setRuns().
    QStringList checkedFolders() const;
    void setChecked(const QString &folder, bool checked);
    /// Marks the run in `folder` "★ best of the compared runs" (empty: none).
    void setBestCompared(const QString &folder);

    /// Sweeps start closed: one row, their lead. Kept across setRuns().
    bool isGroupOpen(const QString &groupKey) const { return m_openGroups.contains(groupKey); }
    void setGroupOpen(const QString &groupKey, bool open);
    /// True when `row` leads a sweep of more than one listed trial (the row a click opens or closes).
    bool leadsGroup(int row) const;
    /// The row of the lead of the sweep that `row` is in, when that sweep has more than one trial; -1 otherwise.
    int groupLead(int row) const;
    QString groupKey(int row) const { return m_text.at(size_t(row)).groupKey; }
    /// The other trials of the group `row` leads, in list order (empty for other rows).
    std::vector<int> groupMembers(int row) const;

Q_SIGNALS:
    /// A sweep was opened or closed: which rows are listed changes.
    void groupsChanged();

public:
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

private:
    QVariant display(const RunSummary &run, int row, int column) const;
    QVariant sortValue(const RunSummary &run, int row, int column) const;

    /// What a row shows, made once in setRuns() (parsing ISO dates is not free) and shortened.
    struct Text
    {
        QString name, group, started, dataset, device, ended, tags; ///< cells
        QString groupTip;
        QString groupKey;  ///< clean sweep folder, or empty
        int leadRow = -1;  ///< the row that stands for this row's sweep (-1: none)
        int groupSize = 1; ///< trials of this row's sweep in the list
        bool bestOfSweep = false;
        QString problem, endMessage, datasetTip, notes; ///< tooltips
        QString sortName, filter;
    };

    std::vector<RunSummary> m_runs;
    std::vector<Text> m_text; ///< per row
    QStringList m_folders;
    QStringList m_checked; ///< clean folder paths
    QString m_bestCompared;
    QStringList m_openGroups; ///< group keys
    QVariant groupDisplay(int row) const;
};

/// Sorts the run table by raw values (missing ones last) and filters it by words that must all
/// appear in a run's name, dataset, tags, notes, device, state or folder. A sweep sorts as one
/// block where its lead would sort, the lead first, its trials by their own values under it; the
/// trials of a closed sweep are hidden unless a filter is typed (then every matching run shows).
class RunFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunFilterProxyModel)

public:
    explicit RunFilterProxyModel(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    /// Hides broken runs when false.
    void setShowBroken(bool show);
    bool isFiltering() const { return !m_words.isEmpty(); }
    /// Lists rows again after a sweep was opened or closed.
    void refilterGroups() { invalidateRowsFilter(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QStringList m_words;
    bool m_showBroken = true;
};

} // namespace ranker::ui
