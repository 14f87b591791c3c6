#pragma once

#include "ui/datasetloader.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QLabel;
class QMenu;
class QTabWidget;

namespace ranker::ui {

class DatasetPanel;
class RankingView;
class FileChangeWatcher;
class ReviewPanel;
class RunHistoryPanel;
class Settings;
class TrainPanel;

/// The studio's main window: a place for each job (Dataset, Review, Train, History, Ranking).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    enum Place { DatasetPlace, ReviewPlace, TrainPlace, HistoryPlace, RankingPlace };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Starts loading a dataset off the GUI thread; problems are shown in the Dataset panel.
    /// @param embeddingDim D to read embeddings with; 0 detects it from the file.
    /// @param embeddingsPath JSONL of {"id", "embedding"} for items with only an embedding_id.
    void openDataset(const QString &path, int embeddingDim = 0, const QString &embeddingsPath = {});
    /// The embeddings file the current dataset was read with (empty: none).
    QString embeddingsPath() const { return m_embeddingsPath; }
    /// What to show at start: `path` if given, else the last dataset, else the bundled sample.
    void openInitialDataset(const QString &path = {});
    /// Opens the bundled sample (copied once to the user's data folder).
    void openSample();
    /// The bundled sample as a file on disk (extracted from the resources when needed).
    static QString sampleDatasetPath();

    void setPlace(Place place);
    /// Puts `widget` in the place of `place`'s panel (the review and run-history panels plug in here);
    /// the window takes ownership and deletes the panel it replaces.
    void setPlaceWidget(Place place, QWidget *widget, const QString &title = {});
    DatasetPtr dataset() const { return m_dataset; }
    Settings *settings() const { return m_settings; }
    DatasetLoader *loader() const { return m_loader; }

    /// The About box's text: app, Qt and LibTorch versions and CUDA availability.
    static QString aboutText();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void updateRecentMenu();
    void chooseFile();
    void chooseEmbeddingsFile();
    void showPreferences();
    void onLoaded(const DatasetPtr &dataset, qint64 milliseconds);
    /// Makes `dataset` the window's, in every place (`milliseconds` < 0: not shown as a read time).
    void showDataset(const DatasetPtr &dataset, qint64 milliseconds);
    void refreshHistory();
    void applyRunConfig(const QString &configJson);
    /// Train again / Continue: the run's dataset is loaded when it is another file that is still on
    /// disk; otherwise the Train place says which dataset the next run will use.
    void followRunDataset(const QString &runDataset, int embeddingDim);
    void syncReviewPanel();
    /// Reads the open dataset's file again, staying in the current place.
    void reloadDataset();
    /// Tells in the Dataset place whether the open dataset's file still is what was read.
    void checkDatasetOnDisk();

    Settings *m_settings = nullptr;
    DatasetLoader *m_loader = nullptr;
    DatasetPtr m_dataset;
    QString m_embeddingsPath;

    QTabWidget *m_places = nullptr;
    DatasetPanel *m_datasetPanel = nullptr;
    TrainPanel *m_trainPanel = nullptr;
    RunHistoryPanel *m_historyPanel = nullptr;
    ReviewPanel *m_reviewPanel = nullptr;
    RankingView *m_rankingView = nullptr;
    bool m_trainAfterLoad = false; ///< a run's dataset is being loaded for Train again: back to Train then
    bool m_closeAfterRun = false;  ///< the window was closed during training: close when the run ends
    int m_reviewDim = 0;           ///< embedding dimension of the open dataset, for the Review place
    QMenu *m_recentMenu = nullptr;
    QAction *m_trainAction = nullptr;
    QAction *m_stopAction = nullptr;
    QLabel *m_statusDataset = nullptr;
    std::unique_ptr<FileChangeWatcher> m_datasetWatcher; ///< the open dataset's file
};

} // namespace ranker::ui
