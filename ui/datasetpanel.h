#pragma once

#include "ui/datasetloader.h"

#include <QWidget>

class QBarSet;
class QChartView;
class QLabel;
class QLineEdit;
class QComboBox;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTabWidget;
class QFrame;

namespace ranker::ui {

class PairsTableModel;
class PairsFilterProxy;

/// What is in the loaded dataset: figures, charts, skipped lines and the pairs themselves.
class DatasetPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatasetPanel)

public:
    explicit DatasetPanel(QWidget *parent = nullptr);

    /// @param embeddingsFile the embeddings file the dataset was read with, or empty.
    void setDataset(const DatasetPtr &dataset, qint64 loadMilliseconds = -1, const QString &embeddingsFile = {});
    DatasetPtr dataset() const { return m_dataset; }

    void showLoading(const QString &path);
    void setLoadProgress(qint64 done, qint64 total);
    void hideLoading();
    /// Shows why `path` could not be used; the dataset shown stays as it is.
    void showLoadFailed(const QString &path, const QString &message, const QStringList &diagnostics);

    /// A note about the dataset's file on disk (changed, removed) above the figures; `offerReload`
    /// adds a Reload button (reloadRequested()). An empty text hides it.
    void showFileNotice(const QString &text, bool offerReload);
    QString fileNotice() const;

    /// Shows the raw text of `line` of the current file (read off the GUI thread).
    void showLine(qint64 line);

    /// The seed guide's advice for this dataset, one sentence per problem; empty when it looks fine.
    static QStringList adviceFor(const ranker::Dataset &ds);

Q_SIGNALS:
    void openRequested();
    void openSampleRequested();
    void cancelLoadRequested();
    /// The user wants to name an embeddings file for items that only carry an embedding_id.
    void embeddingsFileRequested();
    /// Read the dataset's file again (it changed on disk).
    void reloadRequested();

private:
    QWidget *createEmptyPage();
    QWidget *createDataPage();
    void applySort(int column, Qt::SortOrder order);
    void updateFigures();
    void updateCharts();
    void updateDiagnostics();

    DatasetPtr m_dataset;

    QStackedWidget *m_pages = nullptr;
    QFrame *m_loadBar = nullptr;
    QLabel *m_loadLabel = nullptr;
    QProgressBar *m_loadProgress = nullptr;
    QPushButton *m_cancelLoad = nullptr;
    QFrame *m_errorBanner = nullptr;
    QLabel *m_errorLabel = nullptr;
    QListWidget *m_errorDiagnostics = nullptr;
    QFrame *m_fileNotice = nullptr;
    QLabel *m_fileNoticeText = nullptr;
    QPushButton *m_reloadFile = nullptr;

    QLabel *m_title = nullptr;
    QLabel *m_embeddingsFile = nullptr;
    QLabel *m_figures = nullptr;
    QLabel *m_advice = nullptr;
    QChartView *m_labelChart = nullptr;
    QChartView *m_typeChart = nullptr;
    QTabWidget *m_tabs = nullptr;
    PairsTableModel *m_pairsModel = nullptr;
    PairsFilterProxy *m_pairsProxy = nullptr;
    QTableView *m_pairsView = nullptr;
    QLineEdit *m_filterText = nullptr;
    QComboBox *m_filterLabel = nullptr;
    QLabel *m_filterCount = nullptr; ///< "N of M shown" while a filter is set
    QListWidget *m_skipped = nullptr;
    QPlainTextEdit *m_lineViewer = nullptr;
    quint64 m_lineRequest = 0;
};

} // namespace ranker::ui
