#pragma once
// The Ranking place (issue 15): every item of the open dataset ranked by a chosen run's model,
// beside a ranking fitted from the labels alone (Bradley–Terry, with a 95 % interval per item),
// the items where the two disagree most first.

#include "ui/datasetloader.h"
#include "ui/ranking/rankingworker.h"

#include <QThread>
#include <QWidget>

#include <memory>
#include <string>

class QAbstractItemModel;
class QComboBox;
class QLabel;
class QModelIndex;
class QPushButton;
class QTableView;

namespace ranker {
class RunSummaryCache;
}

namespace ranker::ui {

class RankingFilterModel;
class RankingTableModel;

class RankingView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RankingView)

public:
    /// The orders the "Order" list offers; a click on any column's title sorts by that column.
    enum Order { DisagreementFirst, ByModelRank, ByLabelRank };

    explicit RankingView(QWidget *parent = nullptr);
    ~RankingView() override;

    /// The dataset whose items are ranked (null: none open). Ranked when the view is shown.
    void setDataset(const DatasetPtr &dataset);
    /// Where the runs to choose from are (WORKSPACE/runs); lists them again.
    void setRunsFolder(const QString &folder);
    QString runsFolder() const { return m_runsFolder; }
    /// Lists the runs again; the chosen run stays chosen while it is still there.
    void refreshRuns();
    /// Ranks by the run in `folder`, choosing it in the list (added to the list when it is not in
    /// the runs folder).
    void showRun(const QString &folder);
    /// The chosen run's folder (empty: none).
    QString currentRun() const;
    void setOrder(Order order);

    /// A ranking was asked for and has not arrived yet.
    bool isBusy() const { return m_busy; }
    /// What is shown (null before the first ranking, or without a dataset).
    RankingResultPtr result() const;
    /// The rows as shown: filtered by item type and sorted.
    QAbstractItemModel *shownRows() const;
    /// The rows as shown, as CSV (header first).
    std::string csvText() const;
    /**
     * Writes csvText() to `path` through a temporary file renamed into place.
     * @return false with the reason in `error`; an existing file is then left as it was.
     */
    bool exportCsv(const QString &path, QString *error = nullptr);

Q_SIGNALS:
    /// A ranking (or the reason there is none) is on screen.
    void rankingShown();
    /// The person asked to see the pairs of item `id` (double-click or Enter on its row).
    void itemPairsRequested(const QString &id);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void requestRanking();
    void showResult(const RankingResultPtr &result);
    void showFailure(quint64 request, const QString &message);
    void showPlaceholder(const QString &text);
    void fillTypeFilter();
    void applyOrder();
    void syncOrderBox(int column, Qt::SortOrder order);
    void exportWithDialog();
    void activate(const QModelIndex &index);
    void setNotice(const QString &text, bool isError);

    QThread m_thread;
    RankingWorker *m_worker = nullptr;
    RankingTableModel *m_model = nullptr;
    RankingFilterModel *m_proxy = nullptr;
    std::unique_ptr<RunSummaryCache> m_runCache;
    DatasetPtr m_dataset;
    QString m_runsFolder;
    QStringList m_extraRuns; ///< folders given to showRun() outside the runs folder
    quint64 m_request = 0;   ///< the latest ranking asked for
    bool m_busy = false;
    bool m_stale = true;             ///< the dataset or the run changed since the last ranking asked for
    int m_order = DisagreementFirst; ///< the Order list's choice; -1: a column's title was clicked
    bool m_applyingOrder = false;    ///< applyOrder() is sorting, not a click on a title
    QString m_resultNotes;           ///< what the notice says about the ranking shown
    bool m_resultNotesAreError = false;

    QComboBox *m_runBox = nullptr;
    QComboBox *m_typeBox = nullptr;
    QComboBox *m_orderBox = nullptr;
    QPushButton *m_export = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_notice = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_hint = nullptr;
};

} // namespace ranker::ui
